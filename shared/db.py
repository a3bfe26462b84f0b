"""Connection pools and schema migrations shared by the store and every service."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import asyncpg

from shared.jsontext import loads

MIGRATION_LOCK = 7_401_001  # advisory lock key: four services may start at once


async def _init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, encoder=json.dumps, decoder=loads, schema="pg_catalog")


# A prepared statement first planned while a table was empty can keep a sequential-scan plan long
# after the table has grown (until ANALYZE). Custom plans cost a little planning per execution and
# always see the current statistics.
#
# A session left idle inside a transaction that has written (a client that lost track of its
# connection when the server restarted, say) holds back the event store's commit-order horizon,
# and with it every relay and follower, for as long as it stays open: the server ends such a
# session after 30 s. Every transaction here is short; none waits on a person.
SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan", "idle_in_transaction_session_timeout": "30s"}


RESET_TIMEOUT = 5.0
"""Seconds a released connection may take to reset. After the server crashed, the reset of a
connection to it can hang for minutes; bounded, the connection is dropped and the caller's
retry gets a fresh one from a server that is back."""


async def _reset_connection(conn: asyncpg.Connection) -> None:
    await conn.reset(timeout=RESET_TIMEOUT)


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections read and write json/jsonb as Python values."""
    return await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size, init=_init_connection,
                                     reset=_reset_connection, server_settings=SERVER_SETTINGS)


async def connect(dsn: str) -> asyncpg.Connection:
    """One connection with the same codecs as the pool's."""
    conn = await asyncpg.connect(dsn, server_settings=SERVER_SETTINGS)
    await _init_connection(conn)
    return conn


async def migrate(pool: asyncpg.Pool, component: str, scripts: Sequence[Path]) -> list[str]:
    """Apply ``scripts`` (in the order given) that ``component`` has not applied yet.

    Each script runs in its own transaction with its record, under an advisory lock, so
    services starting together never apply a script twice.
    """
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS public.rj_migrations ("
                " component text NOT NULL, script text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, script))"
            )
            done = {
                r["script"]
                for r in await conn.fetch(
                    "SELECT script FROM public.rj_migrations WHERE component = $1", component
                )
            }
            for script in scripts:
                if script.name in done:
                    continue
                async with conn.transaction():
                    await conn.execute(script.read_text())
                    await conn.execute(
                        "INSERT INTO public.rj_migrations (component, script) VALUES ($1, $2)",
                        component,
                        script.name,
                    )
                applied.append(script.name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
    return applied


def sql_scripts(folder: Path) -> list[Path]:
    """The ``*.sql`` files of a folder, in name order (``001_…``, ``002_…``)."""
    return sorted(folder.glob("*.sql"))

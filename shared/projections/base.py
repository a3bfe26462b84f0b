"""What a projection and a reaction are to the plumbing that runs them (DESIGN D7, D8)."""

from __future__ import annotations

from typing import Any, Protocol

import asyncpg

from shared.envelope import Envelope


class Projection(Protocol):
    """Keeps read-model tables from events. Its SQL uses unqualified table names: the runner
    sets ``search_path`` to the live schema, or to a fresh one during a rebuild."""

    name: str
    tables: tuple[str, ...]
    ddl: str

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        """Apply one event inside the runner's transaction; ignore the events it does not need."""
        ...


class NotYetApplicable(Exception):
    """The event updates a row an earlier event has not created yet (replicas of a consumer can
    receive one stream's events out of order). The delivery fails and is retried after back-off,
    by which time the earlier event has been applied; the transaction, inbox row included, rolls back."""


async def update_existing(conn: asyncpg.Connection, sql: str, *args: object) -> None:
    """Run an UPDATE that must find its row; raise NotYetApplicable when it finds none."""
    status = await conn.execute(sql, *args)
    if status == "UPDATE 0":
        raise NotYetApplicable(f"no row yet for: {sql.split(' WHERE ')[0]}")


class Reaction(Protocol):
    """Issues a command in its own service when another event happens. It must be harmless to
    repeat: the command's ids derive from the cause (uuid5), so a second run appends nothing."""

    name: str

    async def react(self, envelope: Envelope, dependencies: Any) -> None:
        """Carry out the reaction with the service's handler dependencies (from its bootstrap)."""
        ...


def inbox_table(projection: Projection) -> str:
    """The table that records which events a projection has applied (and ignored)."""
    return f"{projection.name}_inbox"


def inbox_ddl(projection: Projection) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS {inbox_table(projection)} ("
        " event_id uuid PRIMARY KEY, commit_id bigint NOT NULL, position bigint NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())"
    )


def lock_key(schema: str, projection: Projection) -> int:
    """A stable advisory-lock key per projection: live appliers share it, a swap takes it alone."""
    import zlib

    return zlib.crc32(f"{schema}.{projection.name}".encode())

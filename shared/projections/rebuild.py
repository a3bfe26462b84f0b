"""Rebuilding a read model from the event store while the service keeps serving (DESIGN D7).

The projection's own code replays every event into fresh tables in a side schema; then, under
the projection's advisory lock, the last events are applied and the tables exchanged in one
transaction. Live deliveries wait for the lock and continue on the new tables; their inbox
drops what the replay already applied.
"""

from __future__ import annotations

import asyncpg
import structlog

from shared.crypto.sealing import OpeningKeys
from shared.envelope import open_event
from shared.eventstore.port import EventStore, Position
from shared.projections.base import Projection, inbox_ddl, inbox_table, lock_key

log = structlog.get_logger()


async def create_tables(conn: asyncpg.Connection, schema: str, projection: Projection) -> None:
    """Create the projection's tables and inbox in ``schema`` (idempotent DDL expected)."""
    async with conn.transaction():
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        await conn.execute(f"SET LOCAL search_path TO {schema}, public")
        await conn.execute(projection.ddl)
        await conn.execute(inbox_ddl(projection))


BATCH = 500


async def _replay(
    conn: asyncpg.Connection, store: EventStore, schema: str, projection: Projection,
    keys: OpeningKeys | None, after: Position,
) -> tuple[Position, int]:
    """Apply everything after ``after`` to the side schema's tables, a page of events per
    transaction: nobody else writes there, so the per-event lock and commit of a live delivery
    (``apply_once``) would only cost round trips. Inside an open transaction (the swap), each page
    is a savepoint of it."""
    applied = 0
    while batch := await store.read_all(after, BATCH):
        async with conn.transaction():
            await conn.execute(f"SET LOCAL search_path TO {schema}, public")
            for recorded in batch:
                await projection.apply(conn, await open_event(recorded, keys))
            # Each event once: a page follows the last, so the inbox rows go in as one COPY.
            await conn.copy_records_to_table(
                inbox_table(projection), schema_name=schema, columns=("event_id", "commit_id", "position"),
                records=[(r.event_id, r.position.commit, r.position.prepare) for r in batch])
        applied += len(batch)
        after = batch[-1].position
    return after, applied


async def rebuild(
    pool: asyncpg.Pool, store: EventStore, schema: str, projection: Projection,
    keys: OpeningKeys | None,
) -> int:
    """Replay the whole store into fresh tables and swap them in; returns events applied."""
    side = f"{schema}_rebuild_{projection.name}"
    async with pool.acquire() as conn:
        await conn.execute(f"DROP SCHEMA IF EXISTS {side} CASCADE")
        await create_tables(conn, side, projection)
        position, applied = await _replay(conn, store, side, projection, keys, Position.start())
        log.info("rebuild.replayed", projection=projection.name, events=applied)
        # A catch-up outside the lock, then the last one inside it, so the lock is brief.
        position, more = await _replay(conn, store, side, projection, keys, position)
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key(schema, projection))
            _, last = await _replay(conn, store, side, projection, keys, position)
            for table in (*projection.tables, inbox_table(projection)):
                await conn.execute(f"DROP TABLE IF EXISTS {schema}.{table} CASCADE")
                await conn.execute(f"ALTER TABLE {side}.{table} SET SCHEMA {schema}")
            await conn.execute(f"DROP SCHEMA {side} CASCADE")
    log.info("rebuild.swapped", projection=projection.name, events=applied + more + last)
    return applied + more + last


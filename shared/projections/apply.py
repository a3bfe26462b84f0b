"""Applying one event to a projection: the effect and the inbox row in one transaction."""

from __future__ import annotations

import asyncpg

from shared.envelope import Envelope
from shared.eventstore.port import RecordedEvent
from shared.projections.base import Projection, inbox_table, lock_key


async def apply_once(conn: asyncpg.Connection, schema: str, projection: Projection, envelope: Envelope) -> bool:
    """Apply ``envelope`` unless the projection already has; True when it was applied now.

    The shared advisory lock lets a rebuild's swap wait for in-flight applications and hold new
    ones back while it exchanges the tables.
    """
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock_shared($1)", lock_key(schema, projection))
        await conn.execute(f"SET LOCAL search_path TO {schema}, public")
        recorded = envelope.recorded
        first_time = await first_delivery(conn, projection, recorded)
        if first_time:
            await projection.apply(conn, envelope)
        return first_time


async def first_delivery(conn: asyncpg.Connection, projection: Projection, recorded: RecordedEvent) -> bool:
    """Note ``recorded`` in the projection's inbox (schema from the search path): True the first time."""
    return bool(await conn.fetchval(
        f"INSERT INTO {inbox_table(projection)} (event_id, commit_id, position) VALUES ($1, $2, $3)"
        " ON CONFLICT (event_id) DO NOTHING RETURNING true",
        recorded.event_id, recorded.position.commit, recorded.position.prepare,
    ))


async def has_applied(pool: asyncpg.Pool, schema: str, projection: Projection, event_id) -> bool:
    """Whether the live read model already reflects ``event_id`` (for read-your-writes waits)."""
    return bool(await pool.fetchval(
        f"SELECT true FROM {schema}.{inbox_table(projection)} WHERE event_id = $1", event_id
    ))

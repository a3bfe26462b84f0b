"""Notifications that failed for good (``NotificationFailed`` with ``permanent``), newest first, for
supervisors to follow up by other means. No personal data: the events carry none in clear, and the
recipient is kept by role only (never their subject id or user name)."""

from __future__ import annotations

import asyncpg

from shared.contracts.notifications import NotificationFailed
from shared.envelope import Envelope


class PermanentFailures:
    name = "permanent_failures"
    tables = ("permanent_failures",)
    ddl = """
    CREATE TABLE IF NOT EXISTS permanent_failures (
        event_id         uuid PRIMARY KEY,
        notification_id  uuid NOT NULL,
        template         text NOT NULL,
        recipient_role   text NOT NULL,
        channel          text NOT NULL,
        reason           text NOT NULL,
        attempt          integer NOT NULL,
        failed_at        timestamptz NOT NULL
    );
    CREATE INDEX IF NOT EXISTS permanent_failures_newest ON permanent_failures (failed_at DESC, event_id)"""

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        if isinstance(event, NotificationFailed) and event.permanent:
            await conn.execute(
                "INSERT INTO permanent_failures VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                envelope.recorded.event_id, event.notification_id, event.template, event.recipient_role,
                event.channel, event.reason, event.attempt, envelope.recorded.occurred_at,
            )


async def failures_page(pool: asyncpg.Pool, offset: int, limit: int) -> tuple[int, list[asyncpg.Record]]:
    """How many failures there are, and ``limit`` of them from ``offset``, newest first."""
    total = await pool.fetchval("SELECT count(*) FROM notifications.permanent_failures")
    rows = await pool.fetch(
        "SELECT template, recipient_role, channel, reason, attempt, failed_at FROM notifications.permanent_failures"
        " ORDER BY failed_at DESC, event_id LIMIT $1 OFFSET $2", limit, offset)
    return total, rows

"""Each referral's Victims' Code acknowledgement deadline, until it is met."""

from __future__ import annotations

import asyncpg

from services.notifications.domain.timings import acknowledgement_due
from shared.contracts.referral import ReferralAcknowledged, ReferralReceived
from shared.envelope import Envelope
from shared.projections.base import update_existing


class AcknowledgementDeadlines:
    name = "acknowledgement_deadlines"
    tables = ("acknowledgement_deadlines",)
    ddl = """
    CREATE TABLE IF NOT EXISTS acknowledgement_deadlines (
        referral_id      uuid PRIMARY KEY,
        received_at      timestamptz NOT NULL,
        due_at           timestamptz NOT NULL,
        acknowledged_at  timestamptz
    )"""

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        match event:
            case ReferralReceived():
                await conn.execute(
                    "INSERT INTO acknowledgement_deadlines VALUES ($1, $2, $3, NULL)"
                    " ON CONFLICT (referral_id) DO NOTHING",
                    event.referral_id, event.received_at, acknowledgement_due(event.received_at),
                )
            case ReferralAcknowledged():
                await update_existing(
                    conn, "UPDATE acknowledgement_deadlines SET acknowledged_at = $2 WHERE referral_id = $1",
                    event.referral_id, envelope.recorded.occurred_at,
                )


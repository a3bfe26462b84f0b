"""Read models of the referral service."""

from __future__ import annotations

import asyncpg

from shared.envelope import Envelope
from shared.projections.base import update_existing


class ReferralStatus:
    """Each referral's broad status, for the agency that made it (no personal data)."""

    name = "referral_status"
    tables = ("referral_status",)
    ddl = """
    CREATE TABLE IF NOT EXISTS referral_status (
        referral_id  uuid PRIMARY KEY,
        reference    text NOT NULL,
        agency_id    text,
        source       text NOT NULL,
        status       text NOT NULL,
        outcome      text,
        received_at  timestamptz NOT NULL,
        updated_at   timestamptz NOT NULL
    )"""

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        event, at = envelope.event, envelope.recorded.recorded_at
        match event.event_type:
            case "ReferralReceived":
                await conn.execute(
                    "INSERT INTO referral_status VALUES ($1, $2, $3, $4, 'received', NULL, $5, $6)"
                    " ON CONFLICT (referral_id) DO NOTHING",
                    event.referral_id, event.reference, event.agency_id, event.source, event.received_at, at,
                )
            case "ReferralAcknowledged" | "ReferralDeclined" | "ReferralWithdrawn":
                status = {"ReferralAcknowledged": "acknowledged", "ReferralDeclined": "declined",
                          "ReferralWithdrawn": "withdrawn"}[event.event_type]
                await update_existing(
                    conn, "UPDATE referral_status SET status = $2, updated_at = $3 WHERE referral_id = $1",
                    event.referral_id, status, at,
                )
            case "CaseOpened":
                await update_existing(
                    conn, "UPDATE referral_status SET status = 'case opened', updated_at = $2 WHERE referral_id = $1",
                    event.referral_id, at,
                )


PROJECTIONS = (ReferralStatus(),)

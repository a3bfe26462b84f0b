"""Referral volume: one row per referral with the dimensions commissioners count by."""

from __future__ import annotations

import asyncpg

from shared.contracts.referral import ReferralReceived
from shared.envelope import Envelope


class ReferralVolume:
    name = "referral_volume"
    tables = ("referral_facts",)
    ddl = """
    CREATE TABLE IF NOT EXISTS referral_facts (
        referral_id   uuid PRIMARY KEY,
        received_at   timestamptz NOT NULL,
        month         date NOT NULL,
        source        text NOT NULL,
        area          text NOT NULL,
        offence_type  text NOT NULL,
        cj_stage      text NOT NULL,
        initiated_by  text NOT NULL
    )"""

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        if isinstance(event, ReferralReceived):
            await conn.execute(
                "INSERT INTO referral_facts VALUES ($1, $2, date_trunc('month', $2 AT TIME ZONE 'Europe/London'),"
                " $3, $4, $5, $6, $7) ON CONFLICT (referral_id) DO NOTHING",
                event.referral_id, event.received_at, event.source, event.offence.area,
                event.offence.offence_type, event.criminal_justice_stage, event.initiated_by,
            )


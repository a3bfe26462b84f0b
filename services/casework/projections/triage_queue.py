"""Referrals waiting for triage, as supervisors see them before a case is opened."""

from __future__ import annotations

import asyncpg

from shared.contracts.casework import CaseOpened
from shared.contracts.referral import ReferralReceived, ReferralWithdrawn
from shared.envelope import Envelope
from shared.projections.base import update_existing


class TriageQueue:
    name = "triage_queue"
    tables = ("triage_queue",)
    ddl = """
    CREATE TABLE IF NOT EXISTS triage_queue (
        referral_id     uuid PRIMARY KEY,
        reference       text NOT NULL,
        source          text NOT NULL,
        area            text NOT NULL,
        offence_type    text NOT NULL,
        cj_stage        text NOT NULL,
        received_at     timestamptz NOT NULL,
        state           text NOT NULL
    )"""

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        match event:
            case ReferralReceived():
                await conn.execute(
                    "INSERT INTO triage_queue VALUES ($1, $2, $3, $4, $5, $6, $7, 'awaiting triage')"
                    " ON CONFLICT (referral_id) DO NOTHING",
                    event.referral_id, event.reference, event.source, event.offence.area,
                    event.offence.offence_type, event.criminal_justice_stage, event.received_at,
                )
            case ReferralWithdrawn():
                await update_existing(
                    conn, "UPDATE triage_queue SET state = 'withdrawn' WHERE referral_id = $1", event.referral_id
                )
            case CaseOpened():
                await update_existing(
                    conn, "UPDATE triage_queue SET state = 'case opened' WHERE referral_id = $1", event.referral_id
                )


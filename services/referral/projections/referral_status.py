"""Each referral's broad status, for the agency that made it (no personal data)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from shared.contracts.casework import CaseClosed, CaseMerged, CaseOpened, CaseReopened
from shared.contracts.referral import ReferralAcknowledged, ReferralDeclined, ReferralReceived, ReferralWithdrawn
from shared.envelope import Envelope
from shared.projections.base import update_existing

STATUS_AFTER = {ReferralAcknowledged: "acknowledged", ReferralDeclined: "declined", ReferralWithdrawn: "withdrawn",
                CaseOpened: "case opened", CaseReopened: "case opened"}
BROAD_OUTCOME = {"completed_direct": "completed: the people met", "completed_indirect": "completed: indirect contact",
                 "duplicate": "merged with another referral of the same matter"}
"""What a referring agency is told of how a case ended: broad, never the people's reasons."""
NOT_TAKEN_FORWARD = "closed without a restorative process"


class ReferralStatus:
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
        match event:
            case ReferralReceived():
                await conn.execute(
                    "INSERT INTO referral_status VALUES ($1, $2, $3, $4, 'received', NULL, $5, $6)"
                    " ON CONFLICT (referral_id) DO NOTHING",
                    event.referral_id, event.reference, event.agency_id, event.source, event.received_at, at,
                )
            case ReferralAcknowledged() | ReferralDeclined() | ReferralWithdrawn() | CaseOpened():
                await update_existing(
                    conn, "UPDATE referral_status SET status = $2, updated_at = $3 WHERE referral_id = $1",
                    event.referral_id, STATUS_AFTER[type(event)], at,
                )
            case CaseReopened(referral_id=UUID()):
                await update_existing(
                    conn, "UPDATE referral_status SET status = 'case opened', outcome = NULL, updated_at = $2"
                    " WHERE referral_id = $1", event.referral_id, at)
            case CaseClosed(referral_id=UUID()) | CaseMerged(referral_id=UUID()):
                reason = event.reason if isinstance(event, CaseClosed) else "duplicate"
                await update_existing(
                    conn, "UPDATE referral_status SET status = 'closed', outcome = $2, updated_at = $3"
                    " WHERE referral_id = $1", event.referral_id, BROAD_OUTCOME.get(reason, NOT_TAKEN_FORWARD), at)


async def status_of(pool: asyncpg.Pool, referral_id: UUID, agency_id: str) -> asyncpg.Record | None:
    """A referral's status as the agency that made it may see it; None for anyone else's."""
    return await pool.fetchrow(
        "SELECT referral_id, reference, status, outcome, received_at, updated_at FROM referral.referral_status"
        " WHERE referral_id = $1 AND agency_id = $2", referral_id, agency_id,
    )

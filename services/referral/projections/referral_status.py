"""Each referral's broad status, for the agency that made it, and its broad stage, for the victim's
progress page (no personal data: ids, references, words)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from shared.contracts.casework import (
    CaseClosed,
    CaseMerged,
    CaseOpened,
    CaseReopened,
    FacilitatorAllocated,
    FacilitatorReassigned,
    PreparationMeetingHeld,
    ProcessChosen,
)
from shared.contracts.referral import ReferralAcknowledged, ReferralDeclined, ReferralReceived, ReferralWithdrawn
from shared.envelope import Envelope
from shared.projections.base import update_existing

STATUS_AFTER = {ReferralAcknowledged: "acknowledged", ReferralDeclined: "declined", ReferralWithdrawn: "withdrawn",
                CaseOpened: "case opened", CaseReopened: "case opened"}
BROAD_OUTCOME = {"completed_direct": "completed: the people met", "completed_indirect": "completed: indirect contact",
                 "duplicate": "merged with another referral of the same matter"}
"""What a referring agency is told of how a case ended: broad, never the people's reasons."""
NOT_TAKEN_FORWARD = "closed without a restorative process"
STAGES = ("received", "with a facilitator", "preparing", "closed")
"""The victim's broad stage; a stage only moves forward, except that a reopened case goes back."""
MOVE_FORWARD = ("UPDATE referral_status SET stage = CASE WHEN stage = ANY($3::text[]) THEN $2 ELSE stage END"
                " WHERE case_id = $1")  # the agency's status and updated_at are unchanged


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
    );
    ALTER TABLE referral_status ADD COLUMN IF NOT EXISTS case_id uuid,
                                ADD COLUMN IF NOT EXISTS stage text NOT NULL DEFAULT 'received',
                                ADD COLUMN IF NOT EXISTS facilitator text;
    CREATE INDEX IF NOT EXISTS referral_status_case ON referral_status (case_id);
    CREATE INDEX IF NOT EXISTS referral_status_reference ON referral_status (reference)"""

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        event, at = envelope.event, envelope.recorded.occurred_at
        match event:
            case ReferralReceived():
                await conn.execute(
                    "INSERT INTO referral_status (referral_id, reference, agency_id, source, status, outcome,"
                    " received_at, updated_at) VALUES ($1, $2, $3, $4, 'received', NULL, $5, $6)"
                    " ON CONFLICT (referral_id) DO NOTHING",
                    event.referral_id, event.reference, event.agency_id, event.source, event.received_at, at,
                )
            case CaseOpened():
                await update_existing(
                    conn, "UPDATE referral_status SET status = 'case opened', case_id = $2, updated_at = $3"
                    " WHERE referral_id = $1", event.referral_id, event.case_id, at)
            case ReferralDeclined() | ReferralWithdrawn():
                await update_existing(
                    conn, "UPDATE referral_status SET status = $2, stage = 'closed', updated_at = $3"
                    " WHERE referral_id = $1", event.referral_id, STATUS_AFTER[type(event)], at)
            case ReferralAcknowledged():
                await update_existing(
                    conn, "UPDATE referral_status SET status = $2, updated_at = $3 WHERE referral_id = $1",
                    event.referral_id, STATUS_AFTER[type(event)], at,
                )
            case FacilitatorAllocated() | FacilitatorReassigned():
                await update_existing(conn, MOVE_FORWARD, event.case_id, "with a facilitator", list(STAGES[:1]))
                # Who the victim may ask for (a username; their name is looked up when the page is shown).
                await conn.execute("UPDATE referral_status SET facilitator = $2 WHERE case_id = $1",
                                   event.case_id, event.facilitator)
            case PreparationMeetingHeld() | ProcessChosen():
                await update_existing(conn, MOVE_FORWARD, event.case_id, "preparing", list(STAGES[:2]))
            case CaseReopened(referral_id=UUID()):
                await update_existing(
                    conn, "UPDATE referral_status SET status = 'case opened', outcome = NULL, updated_at = $2,"
                    " stage = 'with a facilitator' WHERE referral_id = $1", event.referral_id, at)
            case CaseClosed(referral_id=UUID()) | CaseMerged(referral_id=UUID()):
                reason = event.reason if isinstance(event, CaseClosed) else "duplicate"
                await update_existing(
                    conn, "UPDATE referral_status SET status = 'closed', outcome = $2, updated_at = $3,"
                    " stage = 'closed' WHERE referral_id = $1",
                    event.referral_id, BROAD_OUTCOME.get(reason, NOT_TAKEN_FORWARD), at)


async def status_of(pool: asyncpg.Pool, referral_id: UUID, agency_id: str) -> asyncpg.Record | None:
    """A referral's status as the agency that made it may see it; None for anyone else's."""
    return await pool.fetchrow(
        "SELECT referral_id, reference, status, outcome, received_at, updated_at FROM referral.referral_status"
        " WHERE referral_id = $1 AND agency_id = $2", referral_id, agency_id,
    )


async def stage_of(pool: asyncpg.Pool, referral_id: UUID) -> asyncpg.Record | None:
    """A referral's reference and broad stage, for the victim's own progress page."""
    return await pool.fetchrow(
        "SELECT reference, stage, status, outcome, updated_at, facilitator FROM referral.referral_status"
        " WHERE referral_id = $1",
        referral_id)


async def referral_with_reference(pool: asyncpg.Pool, reference: str) -> UUID | None:
    """The id of the referral with ``reference`` (``REF-2026-000123``), for staff who have only that."""
    return await pool.fetchval("SELECT referral_id FROM referral.referral_status WHERE reference = $1", reference)

"""Case facts: one row per case (a referral's case id, ``case_id_for``) holding what commissioners'
figures count — dimensions, the first moment of each step, yes/no flags — and no personal data (D5);
plus each party's follow-up answers and the reparation items agreed and completed.

Events of one case come from two streams (the referral's and the case's) and may arrive in any order,
so every event upserts its own columns: a first moment keeps the earliest (LEAST), a flag once set
stays set (OR), a closure keeps the latest. Applying an event twice changes nothing."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from services.reporting.domain.facts import CaseFact, FollowUp
from shared.contracts import casework as e
from shared.contracts.referral import ReferralAcknowledged, ReferralReceived, ReferralWithdrawn
from shared.envelope import Envelope
from shared.periods import Quarter

MERGES = {
    "first": "LEAST(case_facts.{c}, EXCLUDED.{c})",
    "last": "GREATEST(case_facts.{c}, EXCLUDED.{c})",
    "flag": "case_facts.{c} OR EXCLUDED.{c}",
    "fill": "COALESCE(case_facts.{c}, EXCLUDED.{c})",
    "given": "COALESCE(EXCLUDED.{c}, case_facts.{c})",
}


async def _merge(conn: asyncpg.Connection, case_id: UUID, how: str, **columns: object) -> None:
    """Upsert ``columns`` of the case's row, each merged with what is there as ``how`` says."""
    names = list(columns)
    await conn.execute(
        f"INSERT INTO case_facts (case_id, {', '.join(names)}) VALUES ($1, "
        f"{', '.join(f'${n + 2}' for n in range(len(names)))}) ON CONFLICT (case_id) DO UPDATE SET "
        + ", ".join(f"{c} = {MERGES[how].format(c=c)}" for c in names),
        case_id, *columns.values())


async def _closed(conn: asyncpg.Connection, case_id: UUID, at: datetime, reason: str) -> None:
    """The latest closure wins, whatever order the closures arrive in."""
    await conn.execute(
        "INSERT INTO case_facts (case_id, closed_at, closure_reason) VALUES ($1, $2, $3)"
        " ON CONFLICT (case_id) DO UPDATE SET closure_reason = CASE WHEN case_facts.closed_at IS NULL"
        " OR EXCLUDED.closed_at >= case_facts.closed_at THEN EXCLUDED.closure_reason ELSE case_facts.closure_reason"
        " END, closed_at = GREATEST(case_facts.closed_at, EXCLUDED.closed_at)", case_id, at, reason)


async def _referral_event(conn: asyncpg.Connection, event: object, at: datetime) -> None:
    match event:
        case ReferralReceived():
            await _merge(conn, e.case_id_for(event.referral_id), "given", received_at=event.received_at,
                         source=event.source, area=event.offence.area, offence_type=event.offence.offence_type,
                         cj_stage=event.criminal_justice_stage, initiated_by=event.initiated_by)
        case ReferralAcknowledged():
            await _merge(conn, e.case_id_for(event.referral_id), "first", acknowledged_at=at)
        case ReferralWithdrawn():
            await _merge(conn, e.case_id_for(event.referral_id), "first", withdrawn_at=at)


async def _case_event(conn: asyncpg.Connection, event: e.CaseEvent, at: datetime) -> None:
    case = event.case_id
    match event:
        case e.CaseOpened():
            await _merge(conn, case, "fill", received_at=event.received_at, source=event.source, area=event.area,
                         offence_type=event.offence_type, cj_stage=event.criminal_justice_stage,
                         initiated_by=event.initiated_by)
        case e.ContactAttempted(party="victim"):
            await _merge(conn, case, "first", first_contact_attempt_at=at)
            await _merge(conn, case, "flag", contacted=event.outcome == "reached")
        case e.FacilitatorAllocated():
            await _merge(conn, case, "first", allocated_at=at)
        case e.PreparationMeetingHeld():
            await _merge(conn, case, "first", first_preparation_on=event.held_on)
        case e.ShuttleMessageDelivered() | e.LetterDelivered():
            await _merge(conn, case, "first", delivered_at=at)
            await _merge(conn, case, "flag", delivered_indirect=True)
        case e.ConferenceHeld():
            await _merge(conn, case, "first", delivered_at=event.held_at)
            await _merge(conn, case, "flag", delivered_direct=True)
        case e.ConsentGiven(scope="participation", party="victim" | "offender"):
            await _merge(conn, case, "flag", **{f"{event.party}_consented": True,
                                                 f"{event.party}_written_consent": event.form == "written"})
        case e.OffenderTraced():
            await _merge(conn, case, "flag", offender_traced=True)
        case e.RiskAssessmentCompleted(party="victim" | "offender"):
            await _merge(conn, case, "first", **{f"{event.party}_risk_assessed_at": at})
        case e.CaseFlaggedSensitive():
            await _merge(conn, case, "flag", sensitive=True)
        case e.SignOffGranted():
            await _merge(conn, case, "flag", signed_off=True)
        case e.CaseClosed():
            await _closed(conn, case, at, event.reason)
        case e.CaseMerged():
            await _closed(conn, case, at, "duplicate")
        case e.CaseReopened():
            await _merge(conn, case, "last", reopened_at=at)
        case e.ReparationAgreed():
            await _merge(conn, case, "flag", agreement=True)
            for item in event.items:
                await conn.execute("INSERT INTO case_reparation_items (case_id, item_id, agreed) VALUES ($1, $2, true)"
                                   " ON CONFLICT (item_id) DO UPDATE SET agreed = true", case, item.item_id)
        case e.ReparationItemCompleted():
            await conn.execute("INSERT INTO case_reparation_items (case_id, item_id, completed) VALUES ($1, $2, true)"
                               " ON CONFLICT (item_id) DO UPDATE SET completed = true", case, event.item_id)
        case e.FollowUpCompleted():
            await conn.execute(
                "INSERT INTO case_follow_ups VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, party) DO UPDATE"
                " SET completed_at = EXCLUDED.completed_at, satisfied = EXCLUDED.satisfied, would_recommend ="
                " EXCLUDED.would_recommend, better_able_to_cope = EXCLUDED.better_able_to_cope, feels_safer ="
                " EXCLUDED.feels_safer WHERE EXCLUDED.completed_at >= case_follow_ups.completed_at",
                case, event.party, at, event.satisfied, event.would_recommend, event.better_able_to_cope,
                event.feels_safer)


class CaseFacts:
    name = "case_facts"
    tables = ("case_facts", "case_follow_ups", "case_reparation_items")
    ddl = """
    CREATE TABLE IF NOT EXISTS case_facts (
        case_id                   uuid PRIMARY KEY,
        received_at               timestamptz,
        source                    text,
        area                      text,
        offence_type              text,
        cj_stage                  text,
        initiated_by              text,
        acknowledged_at           timestamptz,
        first_contact_attempt_at  timestamptz,
        allocated_at              timestamptz,
        first_preparation_on      date,
        delivered_at              timestamptz,
        closed_at                 timestamptz,
        closure_reason            text,
        reopened_at               timestamptz,
        withdrawn_at              timestamptz,
        contacted                 boolean NOT NULL DEFAULT false,
        victim_consented          boolean NOT NULL DEFAULT false,
        offender_traced           boolean NOT NULL DEFAULT false,
        offender_consented        boolean NOT NULL DEFAULT false,
        delivered_direct          boolean NOT NULL DEFAULT false,
        delivered_indirect        boolean NOT NULL DEFAULT false,
        agreement                 boolean NOT NULL DEFAULT false,
        victim_risk_assessed_at   timestamptz,
        offender_risk_assessed_at timestamptz,
        victim_written_consent    boolean NOT NULL DEFAULT false,
        offender_written_consent  boolean NOT NULL DEFAULT false,
        sensitive                 boolean NOT NULL DEFAULT false,
        signed_off                boolean NOT NULL DEFAULT false
    );
    CREATE INDEX IF NOT EXISTS case_facts_by_received ON case_facts (received_at);
    CREATE TABLE IF NOT EXISTS case_follow_ups (
        case_id              uuid NOT NULL,
        party                text NOT NULL,
        completed_at         timestamptz NOT NULL,
        satisfied            boolean,
        would_recommend      boolean,
        better_able_to_cope  boolean,
        feels_safer          boolean,
        PRIMARY KEY (case_id, party)
    );
    CREATE TABLE IF NOT EXISTS case_reparation_items (
        item_id    uuid PRIMARY KEY,
        case_id    uuid NOT NULL,
        agreed     boolean NOT NULL DEFAULT false,
        completed  boolean NOT NULL DEFAULT false
    );
    CREATE INDEX IF NOT EXISTS case_reparation_items_by_case ON case_reparation_items (case_id)"""

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        event, at = envelope.event, envelope.recorded.occurred_at
        if isinstance(event, e.CaseEvent):
            await _case_event(conn, event, at)
        else:
            await _referral_event(conn, event, at)


FACTS = """
SELECT f.*, (f.closed_at IS NOT NULL AND (f.reopened_at IS NULL OR f.closed_at > f.reopened_at)) AS is_closed,
       COALESCE((SELECT bool_and(i.completed) AND bool_or(i.agreed) FROM case_reparation_items i
                 WHERE i.case_id = f.case_id AND i.agreed), false) AS agreement_completed
  FROM case_facts f
 WHERE (f.received_at AT TIME ZONE 'Europe/London')::date >= $1
   AND (f.received_at AT TIME ZONE 'Europe/London')::date < $2
   AND ($3::text IS NULL OR f.area = $3) AND ($4::text IS NULL OR f.source = $4)"""
FOLLOW_UPS = """
SELECT u.*, f.area, f.source FROM case_follow_ups u LEFT JOIN case_facts f USING (case_id)
 WHERE (u.completed_at AT TIME ZONE 'Europe/London')::date >= $1
   AND (u.completed_at AT TIME ZONE 'Europe/London')::date < $2
   AND ($3::text IS NULL OR f.area = $3) AND ($4::text IS NULL OR f.source = $4)"""
SCHEMA = "reporting"
FACT_FIELDS = frozenset(CaseFact.__dataclass_fields__)


def _fact(row: asyncpg.Record) -> CaseFact:
    found = {key: row[key] for key in row.keys() if key in FACT_FIELDS}
    if not row["is_closed"]:
        found |= {"closed_at": None, "closure_reason": None}
    return CaseFact(**found)


async def quarter_facts(pool: asyncpg.Pool, quarter: Quarter, area: str | None = None,
                        source: str | None = None) -> tuple[list[CaseFact], list[FollowUp]]:
    """The cases received in ``quarter`` and the follow-ups completed in it, of ``area`` and ``source``."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        await conn.execute(f"SET LOCAL search_path TO {SCHEMA}")
        facts = await conn.fetch(FACTS, quarter.start, quarter.end, area, source)
        follow_ups = await conn.fetch(FOLLOW_UPS, quarter.start, quarter.end, area, source)
    return [_fact(row) for row in facts], [FollowUp(**dict(row)) for row in follow_ups]


async def choices(pool: asyncpg.Pool) -> tuple[list[str], list[str]]:
    """The areas and the sources any case has, for the filters."""
    async with pool.acquire() as conn:
        areas = await conn.fetch(f"SELECT DISTINCT area FROM {SCHEMA}.case_facts WHERE area IS NOT NULL ORDER BY area")
        sources = await conn.fetch(
            f"SELECT DISTINCT source FROM {SCHEMA}.case_facts WHERE source IS NOT NULL ORDER BY source")
    return [r["area"] for r in areas], [r["source"] for r in sources]

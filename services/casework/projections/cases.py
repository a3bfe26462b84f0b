"""Every case as lists show it: reference, status, who works it, the first-contact deadline.
No personal data (D5): the row keeps the case's folded state without the victim's details, so
each event is applied by the domain's own ``evolve`` and the list always agrees with the rules."""

from __future__ import annotations

from dataclasses import replace

import asyncpg
from pydantic import TypeAdapter

from services.casework.domain.evolve import evolve
from services.casework.domain.state import CaseState
from shared.contracts import casework as e
from shared.envelope import Envelope
from shared.projections.base import NotYetApplicable

STATE = TypeAdapter(CaseState)


class Cases:
    name = "cases"
    tables = ("cases",)
    ddl = """
    CREATE TABLE IF NOT EXISTS cases (
        case_id             uuid PRIMARY KEY,
        referral_id         uuid NOT NULL,
        reference           text NOT NULL,
        referral_reference  text,
        status              text NOT NULL,
        stage               text NOT NULL,
        sensitive           boolean NOT NULL,
        sign_off            text NOT NULL,
        area                text,
        offence_type        text,
        source              text,
        lead                text,
        co_facilitator      text,
        received_at         timestamptz,
        first_contact_due   date,
        first_contact_at    timestamptz,
        possible_duplicate_of uuid,
        closed_reason       text,
        version             integer NOT NULL,
        updated_at          timestamptz NOT NULL,
        state               jsonb NOT NULL
    );
    CREATE INDEX IF NOT EXISTS cases_by_lead ON cases (lead);
    CREATE INDEX IF NOT EXISTS cases_by_co ON cases (co_facilitator);
    CREATE INDEX IF NOT EXISTS cases_by_referral ON cases (referral_id);
    CREATE INDEX IF NOT EXISTS cases_by_status ON cases (status, first_contact_due);
    CREATE INDEX IF NOT EXISTS cases_to_allocate ON cases (first_contact_due, reference)
        WHERE lead IS NULL AND stage <> 'closed';
    CREATE INDEX IF NOT EXISTS cases_possible_duplicates ON cases (first_contact_due, reference)
        WHERE possible_duplicate_of IS NOT NULL AND stage <> 'closed'"""

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        event, at = envelope.event, envelope.recorded.occurred_at
        if not isinstance(event, e.CaseEvent):
            return
        if isinstance(event, e.CaseOpened):
            await conn.execute(
                "INSERT INTO cases (case_id, referral_id, reference, referral_reference, status, stage, sensitive,"
                " sign_off, area, offence_type, source, received_at, first_contact_due, possible_duplicate_of,"
                " version, updated_at, state) VALUES ($1, $2, $3, $4, 'referred', 'referred', false, 'none', $5, $6,"
                " $7, $8, $9, $10, -1, $11, '{}') ON CONFLICT (case_id) DO NOTHING",
                event.case_id, event.referral_id, event.reference, event.referral_reference, event.area,
                event.offence_type, event.source, event.received_at, event.first_contact_due,
                event.possible_duplicate_of, at)
        row = await conn.fetchrow("SELECT state, version FROM cases WHERE case_id = $1 FOR UPDATE", event.case_id)
        if row is None:
            raise NotYetApplicable(f"case {event.case_id} is not in the list yet")
        if envelope.recorded.stream_version != row["version"] + 1:
            # The state is folded in stream order: an event delivered ahead of its predecessor waits.
            raise NotYetApplicable(f"case {event.case_id}: version {envelope.recorded.stream_version} before "
                                   f"{row['version'] + 1}")
        state = CaseState() if row["version"] < 0 else STATE.validate_json(row["state"])
        state = replace(evolve(state, event), victim_details=())  # the victim's details stay out of the table
        await self._save(conn, state, event, at)

    async def _save(self, conn: asyncpg.Connection, state: CaseState, event: e.CaseEvent, at) -> None:
        first_contact = at if isinstance(event, e.ContactAttempted) and event.party == "victim" else None
        await conn.execute(
            "UPDATE cases SET status = $2, stage = $3, sensitive = $4, sign_off = $5, lead = $6,"
            " co_facilitator = $7, first_contact_at = coalesce(first_contact_at, $8),"
            " possible_duplicate_of = $9, closed_reason = $10, version = $11, updated_at = $12, state = $13"
            " WHERE case_id = $1",
            state.case_id, state.status, state.stage, state.sensitive, state.sign_off,
            state.lead.username if state.lead else None, state.co.username if state.co else None, first_contact,
            state.possible_duplicate_of, state.closed_reason, state.version, at, STATE.dump_json(state).decode())


ORDER = (" ORDER BY (first_contact_at IS NULL AND stage <> 'closed') DESC, first_contact_due NULLS LAST,"
         " reference")
"""Overdue first contact first, then soonest due: every list's order."""
TO_ALLOCATE = "lead IS NULL AND stage <> 'closed'"
POSSIBLE_DUPLICATES = "possible_duplicate_of IS NOT NULL AND stage <> 'closed'"


async def _listed(pool: asyncpg.Pool, condition: str, args: list, offset: int, limit: int):
    total = await pool.fetchval(f"SELECT count(*) FROM casework.cases WHERE {condition}", *args)
    rows = await pool.fetch(f"SELECT * FROM casework.cases WHERE {condition}{ORDER}"
                            f" LIMIT {int(limit)} OFFSET {int(offset)}", *args)
    return rows, total


async def cases_to_allocate(pool: asyncpg.Pool, *, offset=0, limit=25):
    """Open cases nobody leads yet (whatever their status: on hold or awaiting sign-off too), and
    how many there are; overdue first contact first, then soonest due."""
    return await _listed(pool, TO_ALLOCATE, [], offset, limit)


async def possible_duplicates(pool: asyncpg.Pool, *, offset=0, limit=25):
    """Open cases still linked to a possible duplicate (neither merged nor kept apart), and how many."""
    return await _listed(pool, POSSIBLE_DUPLICATES, [], offset, limit)


async def list_cases(pool: asyncpg.Pool, *, referral_id=None, status=None, area=None, sensitive=None,
                     facilitator=None, overdue_on=None, worked_by=None, offset=0, limit=25):
    """A page of cases and the total matching; overdue first contact first, then soonest due."""
    where, args = ["true"], []

    def match(sql: str, value) -> None:
        args.append(value)
        where.append(sql.replace("?", f"${len(args)}"))

    for sql, value in (("referral_id = ?", referral_id), ("status = ?", status), ("area = ?", area),
                       ("sensitive = ?", sensitive), ("(lead = ? OR co_facilitator = ?)", facilitator),
                       ("(lead = ? OR co_facilitator = ?)", worked_by)):
        if value is not None:
            match(sql, value)
    if overdue_on is not None:
        match("first_contact_at IS NULL AND stage <> 'closed' AND first_contact_due < ?", overdue_on)
    return await _listed(pool, " AND ".join(where), args, offset, limit)

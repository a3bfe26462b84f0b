"""Triage, sensitivity, sign-off and allocation."""

from __future__ import annotations

from services.casework.domain import commands as c
from services.casework.domain.errors import (
    NotAFacilitator,
    NotNow,
    SensitiveNeedsAdvancedFacilitator,
    SignOffNotNeeded,
    SignOffOwnCase,
)
from services.casework.domain.people import Context, Person
from services.casework.domain.state import CaseState
from shared.contracts import casework as e


def triage(action: c.TriageCase, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.CaseTriaged(case_id=state.case_id, note=action.note)]


def flag_sensitive(action: c.FlagSensitive, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    if state.sensitive:
        raise NotNow("the case is already flagged sensitive")
    return [e.CaseFlaggedSensitive(case_id=state.case_id, reasons=tuple(dict.fromkeys(action.reasons)))]


def request_sign_off(action: c.RequestSignOff, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    if not state.sensitive:
        raise SignOffNotNeeded("sign-off is for sensitive cases; this one is not flagged sensitive")
    if state.sign_off in ("requested", "granted"):
        raise NotNow(f"sign-off is already {state.sign_off}")
    return [e.SignOffRequested(case_id=state.case_id, requested_by=ctx.by.username, note=action.note)]


def grant_sign_off(action: c.GrantSignOff, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    _ensure_may_sign_off(state, ctx.by)
    return [e.SignOffGranted(case_id=state.case_id, supervisor=ctx.by.username)]


def refuse_sign_off(action: c.RefuseSignOff, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    _ensure_may_sign_off(state, ctx.by)
    return [e.SignOffRefused(case_id=state.case_id, supervisor=ctx.by.username, reason=action.reason)]


def _ensure_may_sign_off(state: CaseState, by: Person) -> None:
    if state.sign_off != "requested":
        raise NotNow("no sign-off has been requested for this case")
    if state.works_on(by.username):
        raise SignOffOwnCase("a supervisor who works the case cannot sign it off; ask another supervisor")


def allocate(action: c.AllocateFacilitator, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    if state.lead is not None:
        raise NotNow("the case is allocated already; reassign it instead")
    lead, co = _workers(action.facilitator, action.co_facilitator, state, ctx)
    return [e.FacilitatorAllocated(case_id=state.case_id, facilitator=lead.username, level=lead.level,
                                   co_facilitator=co.username if co else None, co_level=co.level if co else None,
                                   allocated_by=ctx.by.username)]


def reassign(action: c.ReassignFacilitator, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    if state.lead is None:
        raise NotNow("the case is not allocated yet; allocate it instead")
    lead, co = _workers(action.facilitator, action.co_facilitator, state, ctx)
    return [e.FacilitatorReassigned(case_id=state.case_id, facilitator=lead.username, level=lead.level,
                                    co_facilitator=co.username if co else None, co_level=co.level if co else None,
                                    reassigned_by=ctx.by.username, reason=action.reason)]


def _workers(lead_name: str, co_name: str | None, state: CaseState, ctx: Context) -> tuple[Person, Person | None]:
    lead = _practitioner(lead_name, "facilitator", ctx)
    co = _practitioner(co_name, "co_facilitator", ctx) if co_name else None
    if co is not None and co.username == lead.username:
        raise NotAFacilitator("the co-facilitator must be someone other than the lead", field="co_facilitator")
    if state.sensitive and lead.level != "advanced":
        raise SensitiveNeedsAdvancedFacilitator(
            f"{lead.username} is at {lead.level} level; a sensitive case needs an advanced-level lead",
            field="facilitator")
    return lead, co


def _practitioner(username: str, field: str, ctx: Context) -> Person:
    person = ctx.staff.get(username)
    if person is None or not person.practises:
        raise NotAFacilitator(f"{username!r} is not an enabled facilitator with a practitioner level", field=field)
    return person

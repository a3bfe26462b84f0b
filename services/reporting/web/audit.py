"""/audit/cases/{case_ref}: a case's verified history, for auditors only (/audit finds a case by
its reference).

Every event of the case across the services, in order, with its actor, time, schema version and
whether its hash still verifies; personal fields show as "sealed" (reporting holds no keys). A GET
form replays the case's state as at a chosen moment. Anyone else signed in gets 404, as if the
page did not exist; each read is recorded (``CaseHistoryAudited``)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.reporting.domain.audit import CaseAsAt, MomentNotUnderstood, parse_moment
from services.reporting.handlers.audit import AuditedEvent, AuditSources, CaseHistory, audit_case
from services.reporting.web.pages import STAFF
from shared.identity.tokens import Principal
from shared.web.app import service_runtime
from shared.web.signin import signed_in
from shared.web.staff import SignInNeeded, uk_time

router = APIRouter(include_in_schema=False)
MAX_REFERENCE = 64


async def anyone_signed_in(request: Request) -> Principal:
    """Whoever is signed in, in any role (someone not signed in is sent to sign in first): the
    page itself answers 404 to all but auditors, facilitators included, as if it did not exist."""
    principal = await signed_in(request)
    if principal is None:
        raise SignInNeeded
    return principal


SignedIn = Annotated[Principal, Depends(anyone_signed_in)]


def words(value: str | None) -> str:
    return (value or "none").replace("_", " ")


def not_found(request: Request, principal: Principal) -> HTMLResponse:
    return STAFF.render(request, "staff_error.html", 404, principal=principal, title="Page not found",
                        message="If you typed the web address, check it is correct.")


def event_row(number: int, audited: AuditedEvent) -> dict[str, Any]:
    event, actor = audited.recorded, audited.recorded.actor
    by = (f"{actor.id} ({actor.role or actor.kind})" if actor.kind == "user"
          else f"{actor.kind} {actor.id}" + (f" ({actor.role})" if actor.role else ""))
    return {"number": number, "type": event.event_type, "recorded": uk_time(event.recorded_at),
            "occurred": uk_time(event.occurred_at), "stream": event.stream_id, "category": event.category,
            "version": event.stream_version, "schema": event.schema_version, "producer": event.producer,
            "check": audited.check, "actor": by, "correlation": str(event.correlation_id),
            "causation": str(event.causation_id or "none"), "fields": audited.fields}


def state_rows(state: CaseAsAt) -> list[tuple[str, str]]:
    """The replayed state, as the page's summary list shows it."""
    def consents(party: str) -> str:
        standing = state.consents_of(party)
        return "; ".join(f"{words(c.scope)} ({c.form}" + (f", with {c.agency})" if c.agency else ")")
                         for c in standing) or "none standing"

    return [
        ("Status", words(state.status)),
        ("Facilitator", state.facilitator or "not allocated"),
        ("Co-facilitator", state.co_facilitator or "none"),
        ("Sensitive", f"yes, sign-off {words(state.sign_off)}" if state.sensitive else "no"),
        *[(f"Consents of the {party}", consents(party)) for party in ("victim", "offender", "supporter")],
        ("Risk assessments", "; ".join(f"{a.party}: {a.level}, review {a.review_date:%-d %B %Y}"
                                       for a in state.assessments.values()) or "none"),
        ("Conferences", "; ".join(f"{uk_time(c.at)}: {c.state}" for c in state.conferences.values()) or "none"),
        ("Reparation items", "; ".join(f"{words(i.kind)}, due {i.due:%-d %B %Y}: {i.status}"
                                       for i in state.reparation.values()) or "none"),
        ("Closed", f"yes: {words(state.closed_reason)}" if state.closed else "no"),
    ]


@router.get("/audit")
async def find_case(request: Request, principal: SignedIn, case_ref: str = "") -> Response:
    """The auditors' first page: a case's reference, then its history."""
    if principal.role != "auditor":
        return not_found(request, principal)
    reference, errors = case_ref.strip().upper(), []
    if reference:
        runtime = service_runtime(request)
        index = AuditSources.on(runtime.store, runtime.pool).index
        found = len(reference) <= MAX_REFERENCE and await index.case_by_reference(reference)
        if found:
            return RedirectResponse(f"/audit/cases/{quote(found.reference, safe='')}", status_code=303)
        errors = [{"text": "There is no case with that reference: check it, for example RJ-2026-000123",
                   "href": "#case_ref"}]
    return STAFF.render(request, "audit_find.html", 404 if errors else 200, principal=principal,
                        case_ref=case_ref[:MAX_REFERENCE], errors=errors)


@router.get("/audit/cases/{case_ref}")
async def case_history(request: Request, principal: SignedIn, case_ref: str, at: str = "") -> HTMLResponse:
    if principal.role != "auditor" or len(case_ref) > MAX_REFERENCE:
        return not_found(request, principal)
    errors, moment = [], None
    if at.strip():
        try:
            moment = parse_moment(at)
        except MomentNotUnderstood:
            errors = [{"text": "Enter a date and time, like 2026-10-05T10:00", "href": "#at"}]
    runtime = service_runtime(request)
    history = await audit_case(AuditSources.on(runtime.store, runtime.pool), case_ref, principal.username, "page",
                               moment)
    if history is None:
        return not_found(request, principal)
    return STAFF.render(request, "audit_case.html", 400 if errors else 200, **page(history, principal, at, errors))


def page(history: CaseHistory, principal: Principal, at: str, errors: list) -> dict[str, Any]:
    missing = [f for f in history.findings if f.problem == "missing"]
    return {"principal": principal, "case": history.case, "errors": errors, "at": at[:40],
            "moment": uk_time(history.moment) if history.moment else None,
            "state": state_rows(history.state), "state_events": history.state.events,
            "events": [event_row(n, audited) for n, audited in enumerate(history.events, 1)],
            "altered": len(history.altered), "missing": [f"{f.stream_id}: {f.detail}" for f in missing],
            "streams": len({audited.recorded.stream_id for audited in history.events})}

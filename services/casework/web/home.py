"""Where people start: a facilitator's own cases (overdue first, with the next action and the
deadline in working days); a supervisor's overview (cases to allocate, sign-off requests,
possible duplicates) and every case, filtered and paged."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from services.casework.domain import commands as c
from services.casework.domain.deadlines import working_days_left
from services.casework.domain.people import Person
from services.casework.domain.rules import available
from services.casework.domain.state import CaseState
from services.casework.projections.cases import STATE, cases_to_allocate, list_cases, possible_duplicates
from services.casework.web.labels import STATUSES, action_title
from services.casework.web.pages import caseworker, page, person
from services.casework.web.work import practitioners
from shared.identity.fastapi import identity_of
from shared.identity.tokens import Principal
from shared.web.app import service_dependencies, service_runtime

router = APIRouter(include_in_schema=False)
Signed = Annotated[Principal, Depends(caseworker)]
PAGE_SIZE = 25
OVERVIEW_SIZE = 100
"""The most cases each list of the overview shows (it says how many there are in all)."""
NOT_NEXT = {c.PutOnHold, c.CloseCase, c.FlagSensitive, c.RaiseSafeguardingConcern, c.SignpostToSupport,
            c.ReassignFacilitator, c.WithdrawConsent, c.RecordVictimDeclined, c.RecordOffenderDeclined,
            c.ReviewRiskAssessment, c.RequestSignOff}
"""Always possible, so never "the next thing to do" on a list."""


def _state(row: Any) -> CaseState:
    raw = row["state"]
    return STATE.validate_json(raw) if isinstance(raw, str | bytes) else STATE.validate_python(raw)


def listed(row: Any, today: date, who: Person) -> dict[str, Any]:
    """A row as lists show it: the deadline still to meet in working days, and what to do next."""
    due = row["first_contact_due"] if row["first_contact_at"] is None and row["stage"] != "closed" else None
    left = working_days_left(due, today) if due else None
    nexts = [a for a in available(_state(row), who) if a not in NOT_NEXT] if row["version"] >= 0 else []
    return {**dict(row), "due": due, "days_left": left, "overdue": left is not None and left < 0,
            "next_action": action_title(nexts[0].__name__) if nexts else None}


async def _cases(request: Request, who: Person, query=list_cases, **filters) -> tuple[list[dict[str, Any]], int]:
    today = service_dependencies(request).clock().date()
    rows, total = await query(service_runtime(request).pool, **filters)
    return [listed(r, today, who) for r in rows], total


@router.get("/")
async def home(request: Request, principal: Signed) -> HTMLResponse:
    who = person(principal)
    if not who.supervises:
        cases, total = await _cases(request, who, worked_by=who.username, limit=100)
        return page(request, "my_cases.html", principal=principal, section="/", cases=cases, total=total)
    unallocated, unallocated_total = await _cases(request, who, cases_to_allocate, limit=OVERVIEW_SIZE)
    duplicates, duplicates_total = await _cases(request, who, possible_duplicates, limit=OVERVIEW_SIZE)
    sign_offs, sign_offs_total = await _cases(request, who, status="awaiting_sign_off", limit=OVERVIEW_SIZE)
    return page(request, "overview.html", principal=principal, section="/", unallocated=unallocated,
                duplicates=duplicates, sign_offs=sign_offs, totals={
                    "unallocated": unallocated_total, "duplicates": duplicates_total, "sign_offs": sign_offs_total})


@router.get("/cases")
async def all_cases(
    request: Request, principal: Signed,
    status: Annotated[str, Query(max_length=40)] = "", area: Annotated[str, Query(max_length=200)] = "",
    sensitive: Annotated[str, Query(max_length=5)] = "", facilitator: Annotated[str, Query(max_length=64)] = "",
    overdue: Annotated[str, Query(max_length=5)] = "", page_number: Annotated[int, Query(alias="page", ge=1,
                                                                                     le=100_000)] = 1,
) -> HTMLResponse:
    """Every case for a supervisor; a facilitator sees their own here too."""
    who = person(principal)
    filters = {"status": status if status in STATUSES else None, "area": area.strip() or None,
               "sensitive": {"yes": True, "no": False}.get(sensitive), "facilitator": facilitator.strip() or None,
               "overdue_on": service_dependencies(request).clock().date() if overdue == "yes" else None}
    mine = None if who.supervises else who.username
    cases, total = await _cases(request, who, **filters, worked_by=mine, offset=(page_number - 1) * PAGE_SIZE,
                                limit=PAGE_SIZE)
    chosen = {"status": status, "area": area, "sensitive": sensitive, "facilitator": facilitator, "overdue": overdue}
    query = urlencode({k: v for k, v in chosen.items() if v})
    people = practitioners(await identity_of(request).accounts.list(), advanced_only=False)
    return page(request, "all_cases.html", principal=principal, section="/cases", cases=cases, total=total,
                chosen=chosen, query=query, page_number=page_number,
                pages=max(1, -(-total // PAGE_SIZE)), statuses=list(STATUSES), people=people)

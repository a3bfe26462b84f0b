"""Reading cases: the list (filtered, paged; a facilitator sees their own) and one case whole."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from services.casework.api.access import Deps, Staff, person_cause
from services.casework.api.problems import PROBLEMS
from services.casework.domain.commands import action_path
from services.casework.domain.deadlines import working_days_left
from services.casework.handlers.case_view import view_case
from services.casework.projections.cases import list_cases
from shared.web.app import service_runtime

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
Status = Literal["referred", "triaged", "contacting", "assessing", "preparing", "delivering", "monitoring",
                 "follow_up", "closed", "on_hold", "awaiting_sign_off"]


class CaseSummary(BaseModel):
    case_id: UUID
    reference: str
    referral_id: UUID
    referral_reference: str | None
    status: str
    stage: str
    sensitive: bool
    sign_off: str
    area: str | None
    offence_type: str | None
    lead: str | None
    co_facilitator: str | None
    received_at: datetime | None
    first_contact_due: date | None
    first_contact_working_days_left: int | None
    first_contact_at: datetime | None
    possible_duplicate_of: UUID | None
    closed_reason: str | None
    version: int
    updated_at: datetime


class CasesPage(BaseModel):
    items: list[CaseSummary]
    page: int
    page_size: int
    total: int


class DeadlineOut(BaseModel):
    what: str
    due: date
    working_days_left: int
    done: bool


class TimelineOut(BaseModel):
    version: int
    at: datetime
    event_type: str
    summary: str
    by: str
    role: str | None


class ActionOffered(BaseModel):
    action: str
    path: str


class WorkInHand(BaseModel):
    """What the case holds that actions name by id."""

    consents: list[dict[str, Any]]
    risk_assessments: list[dict[str, Any]]
    letters: list[dict[str, Any]]
    conferences: list[dict[str, Any]]
    reparation_items: list[dict[str, Any]]


class CaseDetail(BaseModel):
    case: CaseSummary
    parties: dict[str, Any]
    work: WorkInHand
    deadlines: list[DeadlineOut]
    timeline: list[TimelineOut]
    actions: list[ActionOffered]


def work_in_hand(state) -> WorkInHand:
    return WorkInHand(
        consents=[{"consent_id": c.consent_id, "party": c.party, "scope": c.scope, "agency": c.agency,
                   "form": c.form} for c in state.consents.values()],
        risk_assessments=[{"assessment_id": k, "party": v} for k, v in state.assessments.items()],
        letters=[{"letter_id": k, "from_party": v.from_party, "status": v.status} for k, v in state.letters.items()],
        conferences=[{"conference_id": k, "status": v} for k, v in state.conferences.items()],
        reparation_items=[{"item_id": k, "status": v} for k, v in state.reparation.items()])


def summary(row: Any, today: date) -> CaseSummary:
    due = row["first_contact_due"]
    fields = {k: row[k] for k in CaseSummary.model_fields if k in row.keys()}
    left = working_days_left(due, today) if due and row["first_contact_at"] is None else None
    return CaseSummary(**fields, first_contact_working_days_left=left)


@router.get("", response_model=CasesPage, responses=PROBLEMS, summary="Cases, filtered and paged")
async def get_cases(
    request: Request, who: Staff, deps: Deps,
    referral_id: UUID | None = None,
    status: Annotated[Status | None, Query()] = None,
    area: Annotated[str | None, Query(max_length=200)] = None,
    sensitive: bool | None = None,
    facilitator: Annotated[str | None, Query(max_length=64)] = None,
    overdue: bool | None = Query(None, description="first contact attempt still to make after its due date"),
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 25,
) -> CasesPage:
    """Overdue first, then soonest due. A facilitator sees only the cases they work."""
    today = deps.clock().date()
    mine = who.username if who.role == "facilitator" else None
    rows, total = await list_cases(
        service_runtime(request).pool, referral_id=referral_id, status=status, area=area, sensitive=sensitive,
        facilitator=facilitator, overdue_on=today if overdue else None, worked_by=mine,
        offset=(page - 1) * page_size, limit=page_size)
    return CasesPage(items=[summary(r, today) for r in rows], page=page, page_size=page_size, total=total)


@router.get("/{case_id}", response_model=CaseDetail, responses=PROBLEMS, summary="One case, whole")
async def get_case(request: Request, response: Response, case_id: UUID, who: Staff, deps: Deps) -> CaseDetail:
    """Summary, parties (with the victim's contact details and safe-contact preferences), deadlines,
    the timeline of every event with who and when, and the actions you may take now. Each read is
    recorded. The ``ETag`` is the case's version: send it back as ``If-Match`` with an action."""
    view = await view_case(case_id, who, person_cause(request, who), deps)
    row = {**_row_of(view), "first_contact_at": view.first_contact_at}
    response.headers["ETag"] = f'"{view.state.version}"'
    base = str(request.url_for("get_case", case_id=case_id))
    return CaseDetail(
        case=summary(row, deps.clock().date()), parties=view.parties, work=work_in_hand(view.state),
        deadlines=[DeadlineOut(**d.__dict__) for d in view.deadlines],
        timeline=[TimelineOut(**t.__dict__) for t in view.timeline],
        actions=[ActionOffered(action=a.__name__, path=f"{base}/{action_path(a)}") for a in view.actions])


def _row_of(view) -> dict[str, Any]:
    state, opened = view.state, view.opened
    return {"case_id": state.case_id, "reference": state.reference, "referral_id": opened.referral_id,
            "referral_reference": opened.referral_reference, "status": state.status, "stage": state.stage,
            "sensitive": state.sensitive, "sign_off": state.sign_off, "area": opened.area,
            "offence_type": opened.offence_type, "lead": state.lead.username if state.lead else None,
            "co_facilitator": state.co.username if state.co else None, "received_at": opened.received_at,
            "first_contact_due": opened.first_contact_due, "possible_duplicate_of": state.possible_duplicate_of,
            "closed_reason": state.closed_reason, "version": state.version,
            "updated_at": view.timeline[-1].at}

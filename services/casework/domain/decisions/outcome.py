"""Reparation, court reports, follow-up, safeguarding and signposting."""

from __future__ import annotations

from services.casework.domain import commands as c
from services.casework.domain.decisions.preparation import ensure_after, ensure_not_after
from services.casework.domain.errors import AlreadySettled, NoConsentForCourtReport, UnknownItem
from services.casework.domain.people import Context
from services.casework.domain.state import CaseState
from shared.contracts import casework as e


def agree_reparation(action: c.AgreeReparation, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    for index, item in enumerate(action.items):
        ensure_after(item.due, ctx.now.date(), f"items.{index}.due")
    items = tuple(e.ReparationItem(item_id=ctx.new_id(), kind=item.kind, description=item.description, due=item.due)
                  for item in action.items)
    return [e.ReparationAgreed(case_id=state.case_id, subject_id=state.subject("offender"),
                               agreement_id=ctx.new_id(), items=items)]


def equality_monitoring(action: c.RecordEqualityMonitoring, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    """Special-category data: every answer is sealed under the party's own key."""
    return [e.EqualityMonitoringRecorded(case_id=state.case_id, subject_id=state.subject(action.party),
                                         party=action.party, age_band=action.age_band, sex=action.sex,
                                         ethnicity=action.ethnicity, disability=action.disability)]


def item_completed(action: c.CompleteReparationItem, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    _pending(state, action)
    ensure_not_after(action.on, ctx.now.date(), "on")
    return [e.ReparationItemCompleted(case_id=state.case_id, item_id=action.item_id, on=action.on)]


def item_missed(action: c.MissReparationItem, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    _pending(state, action)
    ensure_not_after(action.on, ctx.now.date(), "on")
    return [e.ReparationItemMissed(case_id=state.case_id, item_id=action.item_id, on=action.on)]


def _pending(state: CaseState, action: c.CompleteReparationItem | c.MissReparationItem) -> None:
    status = state.reparation.get(action.item_id)
    if status is None:
        raise UnknownItem("no reparation item with that id on this case", field="item_id")
    if status != "pending":
        raise AlreadySettled(f"the item is already {status}", field="item_id")


def court_report(action: c.SubmitCourtReport, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    missing = [p for p in ("victim", "offender") if not state.consent_stands(p, "court_report")]
    if missing:
        raise NoConsentForCourtReport(f"no standing consent to a court report from the {' and the '.join(missing)}")
    ensure_not_after(action.submitted_on, ctx.now.date(), "submitted_on")
    return [e.CourtReportSubmitted(case_id=state.case_id, court=action.court, submitted_on=action.submitted_on)]


def follow_up(action: c.CompleteFollowUp, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.FollowUpCompleted(case_id=state.case_id, **action.model_dump())]


def safeguarding(action: c.RaiseSafeguardingConcern, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.SafeguardingConcernRaised(case_id=state.case_id, subject_id=state.subject(action.party),
                                        party=action.party, concern=action.concern)]


def signpost(action: c.SignpostToSupport, state: CaseState, ctx: Context) -> list[e.CaseEvent]:
    return [e.SignpostedToSupport(case_id=state.case_id, party=action.party, service=action.service)]

"""A case's state as at a moment, replayed from its events by reporting's own fold (pure).

Reporting may not use casework's code (the services are independent), so this fold reads the case
events as their contracts say and keeps what an auditor asks about: the status, who worked it, the
consents standing per party, the risk assessments, the conferences and reparation items, and
whether and why it closed. It never needs personal data: sealed fields read as erased and stay so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from shared.contracts import casework as e
from shared.contracts.base import DomainEvent
from shared.workingdays import LONDON

STAGES = ("referred", "triaged", "contacting", "assessing", "preparing", "delivering", "monitoring",
          "follow_up", "closed")
SEALED = "sealed"
"""How a personal field reads in an audit: reporting holds no keys, so it is never opened."""


class MomentNotUnderstood(ValueError):
    """The ``at`` asked for is not a date and time."""


@dataclass(frozen=True)
class Standing:
    party: str
    scope: str
    form: str
    agency: str | None


@dataclass(frozen=True)
class Assessment:
    party: str
    level: str
    review_date: date


@dataclass(frozen=True)
class Conference:
    at: datetime
    state: str  # scheduled | cancelled | held


@dataclass(frozen=True)
class Item:
    kind: str
    due: date
    status: str  # pending | completed | missed


@dataclass(frozen=True)
class CaseAsAt:
    """What the record said of a case at a moment (or now)."""

    opened: bool = False
    stage: str = "referred"
    stage_before_close: str | None = None
    on_hold: bool = False
    sensitive: bool = False
    sign_off: str = "none"
    unsuitable: bool = False
    facilitator: str | None = None
    co_facilitator: str | None = None
    consents: Mapping[UUID, Standing] = field(default_factory=dict)
    assessments: Mapping[UUID, Assessment] = field(default_factory=dict)
    conferences: Mapping[UUID, Conference] = field(default_factory=dict)
    reparation: Mapping[UUID, Item] = field(default_factory=dict)
    closed_reason: str | None = None
    events: int = 0

    @property
    def closed(self) -> bool:
        return self.stage == "closed"

    @property
    def status(self) -> str:
        """A side state when the case is in one, else its stage (as casework shows it)."""
        if self.closed:
            return "closed"
        if self.on_hold:
            return "on_hold"
        return "awaiting_sign_off" if self.sign_off == "requested" else self.stage

    def consents_of(self, party: str) -> list[Standing]:
        return [c for c in self.consents.values() if c.party == party]


def parse_moment(text: str) -> datetime:
    """``2026-10-05T10:00`` as UK time (as a datetime-local field sends it), or with an offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        problem = f"at: {text[:40]!r} is not a date and time; give one like 2026-10-05T10:00"
        raise MomentNotUnderstood(problem) from None
    return moment.replace(tzinfo=LONDON) if moment.tzinfo is None else moment


def as_at(history: Iterable[tuple[datetime, DomainEvent]], moment: datetime | None) -> CaseAsAt:
    """The case after every event recorded at or before ``moment`` (all of them if None), in order."""
    state = CaseAsAt()
    for recorded_at, event in history:
        if moment is None or recorded_at <= moment:
            state = replace(evolve(state, event), events=state.events + 1)
    return state


def _advanced(state: CaseAsAt, stage: str) -> CaseAsAt:
    if state.closed or STAGES.index(stage) <= STAGES.index(state.stage):
        return state
    return replace(state, stage=stage)


def _with(mapping: Mapping, key: Any, value: Any) -> dict:
    return {**mapping, key: value}


def evolve(state: CaseAsAt, event: DomainEvent) -> CaseAsAt:
    """One step of the fold; events it does not need leave the state as it is."""
    match event:
        case e.CaseOpened():
            return replace(state, opened=True)
        case e.CaseTriaged():
            return _advanced(state, "triaged")
        case e.CaseFlaggedSensitive():
            return replace(state, sensitive=True, sign_off="none")
        case e.SignOffRequested() | e.SignOffGranted() | e.SignOffRefused():
            outcome = {e.SignOffRequested: "requested", e.SignOffGranted: "granted", e.SignOffRefused: "refused"}
            return replace(state, sign_off=outcome[type(event)])
        case e.FacilitatorAllocated() | e.FacilitatorReassigned():
            return _advanced(replace(state, facilitator=event.facilitator, co_facilitator=event.co_facilitator),
                             "contacting")
        case e.VictimInterestConfirmed() | e.ResponsibilityAcknowledged():
            return _advanced(state, "assessing")
        case e.RiskAssessmentCompleted():
            assessment = Assessment(event.party, event.level, event.review_date)
            return _advanced(replace(state, assessments=_with(state.assessments, event.assessment_id, assessment)),
                             "assessing")
        case e.RiskAssessmentReviewed() if event.assessment_id in state.assessments:
            reviewed = replace(state.assessments[event.assessment_id], level=event.level,
                               review_date=event.review_date)
            return replace(state, assessments=_with(state.assessments, event.assessment_id, reviewed))
        case e.SuitabilityDecided():
            state = replace(state, unsuitable=not event.suitable)
            return _advanced(state, "preparing") if event.suitable else state
        case e.ProcessChosen() | e.PreparationMeetingHeld() | e.SupporterAdded():
            return _advanced(state, "preparing")
        case e.VictimDeclined() | e.OffenderDeclined():
            party = "victim" if isinstance(event, e.VictimDeclined) else "offender"
            return replace(state, consents={k: c for k, c in state.consents.items()
                                            if not (c.party == party and c.scope == "participation")})
        case e.ConsentGiven():
            standing = Standing(event.party, event.scope, event.form, event.agency)
            return replace(state, consents=_with(state.consents, event.consent_id, standing))
        case e.ConsentWithdrawn():
            return replace(state, consents={k: c for k, c in state.consents.items() if k != event.consent_id})
    return _delivery_and_after(state, event)


def _delivery_and_after(state: CaseAsAt, event: DomainEvent) -> CaseAsAt:
    match event:
        case e.LetterDelivered() | e.ShuttleMessageDelivered():
            return _advanced(state, "delivering")
        case e.ConferenceScheduled() | e.ConferenceRescheduled():
            conference = Conference(event.at, "scheduled")
            return _advanced(replace(state, conferences=_with(state.conferences, event.conference_id, conference)),
                             "delivering")
        case e.ConferenceCancelled() | e.ConferenceHeld() if event.conference_id in state.conferences:
            held = isinstance(event, e.ConferenceHeld)
            conference = replace(state.conferences[event.conference_id], state="held" if held else "cancelled")
            return replace(state, conferences=_with(state.conferences, event.conference_id, conference))
        case e.ReparationAgreed():
            items = {item.item_id: Item(item.kind, item.due, "pending") for item in event.items}
            return _advanced(replace(state, reparation={**state.reparation, **items}), "monitoring")
        case e.ReparationItemCompleted() | e.ReparationItemMissed() if event.item_id in state.reparation:
            status = "completed" if isinstance(event, e.ReparationItemCompleted) else "missed"
            items = _with(state.reparation, event.item_id, replace(state.reparation[event.item_id], status=status))
            state = replace(state, reparation=items)
            pending = any(item.status == "pending" for item in items.values())
            return state if pending else _advanced(state, "follow_up")
        case e.FollowUpCompleted():
            return _advanced(state, "follow_up")
        case e.CaseOnHold() | e.CaseResumed():
            return replace(state, on_hold=isinstance(event, e.CaseOnHold))
        case e.CaseClosed() | e.CaseMerged():
            reason = event.reason if isinstance(event, e.CaseClosed) else "duplicate"
            return replace(state, stage="closed", stage_before_close=state.stage, closed_reason=reason, on_hold=False)
        case e.CaseReopened():
            return replace(state, stage=state.stage_before_close or "referred", closed_reason=None)
    return state


def shown_fields(data: Any, path: str = "") -> list[tuple[str, str]]:
    """A stored payload as (field, value) lines for reading: nested fields by dotted path, and every
    sealed personal value as ``sealed`` — never opened, and never its ciphertext."""
    if isinstance(data, dict):
        if "$sealed" in data:
            return [(path, SEALED)]
        found: list[tuple[str, str]] = []
        for key, value in data.items():
            found += shown_fields(value, f"{path}.{key}" if path else str(key))
        return found or [(path, "(none)")]
    if isinstance(data, list):
        lines = [line for index, item in enumerate(data) for line in shown_fields(item, f"{path}[{index}]")]
        return lines or [(path, "(none)")]
    if data is None:
        return [(path, "(none)")]
    return [(path, str(data).lower() if isinstance(data, bool) else str(data))]

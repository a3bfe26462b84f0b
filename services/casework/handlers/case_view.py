"""Reading a case as a person: allowed only to those who may see it, recorded every time
(auditors see who read what), and composed for people — summary, parties, deadlines, timeline
and the actions they may take now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from services.casework.domain.deadlines import working_days_left
from services.casework.domain.evolve import CASE
from services.casework.domain.people import Person
from services.casework.domain.rules import available, ensure_may_see
from services.casework.domain.state import CaseState, case_stream
from services.casework.handlers.dependencies import Dependencies
from services.casework.handlers.timeline import describe
from shared.contracts import casework as e
from shared.envelope import Cause, Envelope, new_event, open_event
from shared.eventstore.port import ANY_VERSION, Actor


@dataclass(frozen=True)
class Deadline:
    what: str
    due: date
    working_days_left: int
    done: bool = False


@dataclass(frozen=True)
class TimelineEntry:
    version: int
    at: datetime
    event_type: str
    summary: str
    by: str
    role: str | None


@dataclass(frozen=True)
class CaseView:
    state: CaseState
    opened: e.CaseOpened
    parties: dict[str, Any]
    deadlines: list[Deadline]
    timeline: list[TimelineEntry]
    actions: list[type] = field(default_factory=list)


async def view_case(case_id: UUID, by: Person, cause: Cause, deps: Dependencies, view: str = "case") -> CaseView:
    """The case as ``by`` may see it (404 for a facilitator it is not allocated to); the read is recorded."""
    envelopes = [await open_event(r, deps.keys) for r in await deps.store.read_stream(case_stream(case_id))]
    state = CASE.fold([x.event for x in envelopes])
    ensure_may_see(state, by)
    await record_access(case_id, view, cause, deps)
    opened = envelopes[0].event
    assert isinstance(opened, e.CaseOpened)
    return CaseView(state=state, opened=opened, parties=_parties(opened, envelopes),
                    deadlines=deadlines(envelopes, deps.clock().date()), timeline=_timeline(envelopes),
                    actions=available(state, by))


async def record_access(case_id: UUID, view: str, cause: Cause, deps: Dependencies) -> None:
    """Every read by a person, in the case's access stream (never the case's own: reading must not
    change the version someone else is about to act on)."""
    event = await new_event(e.CaseAccessed(case_id=case_id, view=view), cause, deps.keys)
    await deps.store.append(f"access-{case_id}", [event], ANY_VERSION)


def _parties(opened: e.CaseOpened, envelopes: list[Envelope]) -> dict[str, Any]:
    supporters = [x.event.supporter.model_dump(mode="json") | {"supports": x.event.supports}
                  for x in envelopes if isinstance(x.event, e.SupporterAdded)]
    return {"victim": opened.victim.model_dump(mode="json") if opened.victim else None,
            "offender": opened.offender.model_dump(mode="json", include={"subject_id", "name"})
            if opened.offender else None,
            "supporters": supporters}


def deadlines(envelopes: list[Envelope], today: date) -> list[Deadline]:
    """Every date the case answers to, soonest first, in working days from today."""
    events = [x.event for x in envelopes]
    found: list[Deadline] = []
    opened = events[0]
    if isinstance(opened, e.CaseOpened) and opened.first_contact_due:
        contacted = any(isinstance(x, e.ContactAttempted) and x.party == "victim" for x in events)
        found.append(_deadline("first contact attempt with the victim", opened.first_contact_due, today, contacted))
    reviews: dict[UUID, tuple[str, date]] = {}
    items: dict[UUID, tuple[str, date, bool]] = {}
    for event in events:
        match event:
            case e.RiskAssessmentCompleted():
                reviews[event.assessment_id] = (event.party, event.review_date)
            case e.RiskAssessmentReviewed():
                reviews[event.assessment_id] = (reviews[event.assessment_id][0], event.review_date)
            case e.ReparationAgreed():
                items |= {i.item_id: (i.kind.replace("_", " "), i.due, False) for i in event.items}
            case e.ReparationItemCompleted() | e.ReparationItemMissed():
                items[event.item_id] = (*items[event.item_id][:2], True)
            case e.PartnerUpdateNoted(deferred_until=date()):
                found.append(_deadline("sentence deferred until", event.deferred_until, today))
    found += [_deadline(f"risk assessment review of the {party}", due, today) for party, due in reviews.values()]
    found += [_deadline(f"reparation: {kind}", due, today, done) for kind, due, done in items.values()]
    return sorted(found, key=lambda d: (d.done, d.due))


def _deadline(what: str, due: date, today: date, done: bool = False) -> Deadline:
    return Deadline(what, due, working_days_left(due, today), done)


def _timeline(envelopes: list[Envelope]) -> list[TimelineEntry]:
    return [TimelineEntry(x.recorded.stream_version, x.recorded.recorded_at, x.recorded.event_type,
                          describe(x.event), _who(x.recorded.actor), x.recorded.actor.role)
            for x in envelopes]


def _who(actor: Actor) -> str:
    return actor.id if actor.kind == "user" else f"{actor.id} ({actor.kind})"

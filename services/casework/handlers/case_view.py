"""Reading a case as a person: allowed only to those who may see it, recorded every time
(auditors see who read what), and composed for people — summary, parties, deadlines, timeline,
the letters and messages carried between the parties, and the actions they may take now — from
one read of the case's stream.

Deadlines and timeline entries carry a :class:`Phrase` (a catalogue message id and its values)
for the pages to translate, besides their English text for the JSON API."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from services.casework.domain.deadlines import working_days_left
from services.casework.domain.evolve import CASE
from services.casework.domain.people import Person
from services.casework.domain.rules import available, ensure_may_see
from services.casework.domain.state import CaseState, case_stream
from services.casework.handlers.dependencies import Dependencies
from services.casework.handlers.timeline import N_, Phrase, phrase
from shared.contracts import casework as e
from shared.envelope import Cause, Envelope, new_event, open_event
from shared.eventstore.port import ANY_VERSION, Actor

FIRST_CONTACT = N_("first contact attempt with the victim")
SENTENCE_DEFERRED = N_("sentence deferred until")
RISK_REVIEW = N_("risk assessment review of the {party}")
REPARATION = N_("reparation: {kind}")
DEADLINE_PHRASES = (FIRST_CONTACT, SENTENCE_DEFERRED, RISK_REVIEW, REPARATION)


@dataclass(frozen=True)
class Deadline:
    what: str
    """In English (the JSON API's); pages show ``phrase`` in their language."""
    due: date
    working_days_left: int
    done: bool = False
    phrase: Phrase = field(default_factory=lambda: Phrase(""), compare=False)


@dataclass(frozen=True)
class TimelineEntry:
    version: int
    at: datetime
    event_type: str
    summary: str
    """In English (the JSON API's); pages show ``phrase`` in their language."""
    by: str
    role: str | None
    phrase: Phrase = field(default_factory=lambda: Phrase(""), compare=False)


@dataclass(frozen=True)
class Letter:
    """A letter from one party for the other: as written, and as vetted (what may reach the other side)."""

    letter_id: UUID
    number: int
    from_party: str
    status: str
    received: str
    vetted: str | None = None


@dataclass(frozen=True)
class ShuttleMessage:
    """A message the facilitator carried between the parties."""

    message_id: UUID
    at: datetime
    by: str
    direction: str
    medium: str
    summary: str


@dataclass(frozen=True)
class ReparationPromise:
    kind: str
    description: str
    due: date


@dataclass(frozen=True)
class CaseView:
    state: CaseState
    opened: e.CaseOpened
    parties: dict[str, Any]
    deadlines: list[Deadline]
    timeline: list[TimelineEntry]
    actions: list[type] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    """In the order received, with the texts (opened: the view is for the people who work the case)."""
    messages: list[ShuttleMessage] = field(default_factory=list)
    conferences: dict[UUID, datetime] = field(default_factory=dict)
    """When each conference is (or was last) set for."""
    reparation_items: dict[UUID, ReparationPromise] = field(default_factory=dict)
    first_contact_at: datetime | None = None
    """When the victim was first tried (the first-contact deadline is met from then)."""


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
                    actions=available(state, by), first_contact_at=first_contact(envelopes), **_papers(envelopes))


def first_contact(envelopes: list[Envelope]) -> datetime | None:
    """When the first attempt to contact the victim was made (its event's occurred_at)."""
    return next((x.recorded.occurred_at for x in envelopes
                 if isinstance(x.event, e.ContactAttempted) and x.event.party == "victim"), None)


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
        found.append(_deadline(Phrase(FIRST_CONTACT), opened.first_contact_due, today, contacted))
    reviews: dict[UUID, tuple[str, date]] = {}
    items: dict[UUID, tuple[str, date, bool]] = {}
    for event in events:
        match event:
            case e.RiskAssessmentCompleted():
                reviews[event.assessment_id] = (event.party, event.review_date)
            case e.RiskAssessmentReviewed():
                reviews[event.assessment_id] = (reviews[event.assessment_id][0], event.review_date)
            case e.ReparationAgreed():
                items |= {i.item_id: (i.kind, i.due, False) for i in event.items}
            case e.ReparationItemCompleted() | e.ReparationItemMissed():
                items[event.item_id] = (*items[event.item_id][:2], True)
            case e.PartnerUpdateNoted(deferred_until=date()):
                found.append(_deadline(Phrase(SENTENCE_DEFERRED), event.deferred_until, today))
    found += [_deadline(Phrase(RISK_REVIEW, {"party": party}), due, today) for party, due in reviews.values()]
    found += [_deadline(Phrase(REPARATION, {"kind": kind}), due, today, done) for kind, due, done in items.values()]
    return sorted(found, key=lambda d: (d.done, d.due))


def _deadline(what: Phrase, due: date, today: date, done: bool = False) -> Deadline:
    english = what.english()
    return Deadline(english[:1].lower() + english[1:], due, working_days_left(due, today), done, what)


def _timeline(envelopes: list[Envelope]) -> list[TimelineEntry]:
    entries = []
    for x in envelopes:
        said = phrase(x.event)
        entries.append(TimelineEntry(x.recorded.stream_version, x.recorded.occurred_at, x.recorded.event_type,
                                     said.english(), _who(x.recorded.actor), x.recorded.actor.role, said))
    return entries


def _papers(envelopes: list[Envelope]) -> dict[str, Any]:
    """The letters, messages, conferences and reparation items behind the ids the case holds."""
    letters: dict[UUID, Letter] = {}
    messages: list[ShuttleMessage] = []
    conferences: dict[UUID, datetime] = {}
    items: dict[UUID, ReparationPromise] = {}
    for x in envelopes:
        match event := x.event:
            case e.LetterReceived():
                letters[event.letter_id] = Letter(event.letter_id, len(letters) + 1, event.from_party, "received",
                                                  str(event.content))
            case e.LetterVetted() if event.letter_id in letters:
                letters[event.letter_id] = replace(letters[event.letter_id], status="vetted",
                                                   vetted=str(event.content))
            case e.LetterDelivered() if event.letter_id in letters:
                letters[event.letter_id] = replace(letters[event.letter_id], status="delivered")
            case e.LetterHeld() if event.letter_id in letters:
                letters[event.letter_id] = replace(letters[event.letter_id], status="held")
            case e.ShuttleMessageDelivered():
                messages.append(ShuttleMessage(event.message_id, x.recorded.occurred_at, _who(x.recorded.actor),
                                               event.direction, event.medium, str(event.summary)))
            case e.ConferenceScheduled() | e.ConferenceRescheduled():
                conferences[event.conference_id] = event.at
            case e.ReparationAgreed():
                items |= {i.item_id: ReparationPromise(i.kind, str(i.description), i.due) for i in event.items}
    return {"letters": list(letters.values()), "messages": messages, "conferences": conferences,
            "reparation_items": items}


def _who(actor: Actor) -> str:
    return actor.id if actor.kind == "user" else f"{actor.id} ({actor.kind})"

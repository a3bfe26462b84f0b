"""The notifications service's decisions, as pure functions of events, what it has seen and a time.

1. ``decide_event``: an event arrives → the timers its rule rows set (an immediate row is a timer
   due now), one per recipient and per thing it is about.
2. ``decide_due``: a timer's moment has come → nothing (not due, fired already, or its work is
   done), a message to send, or for a deadline the ``ReminderRaised`` / ``DeadlineMissed`` record.
3. ``decide_send``: a message to one person → the channel and moment, or ``NotificationSuppressed``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from services.notifications.domain.channels import CIVIL_HOURS, Delivery, Hours, Person, choose_channel
from services.notifications.domain.rules import Rule, rules_for
from services.notifications.domain.timers import Timer, Watch, due_time, idempotency_key
from services.notifications.domain.timings import acknowledgement_due
from shared.contracts.base import DomainEvent
from shared.contracts.notifications import DeadlineMissed, Duty, NotificationSuppressed, RecipientRole, ReminderRaised

CONDITIONS: dict[str, Callable[[Any], bool]] = {
    "self_referral": lambda event: event.source == "self",
    "agency_referral": lambda event: event.source != "self",
}
DERIVED_ANCHORS: dict[str, Callable[[Any], datetime]] = {
    "first_contact_due": lambda event: acknowledgement_due(event.received_at),
}


@dataclass(frozen=True)
class Send:
    """Send ``template`` to one recipient now, unless it would reach them after ``latest``."""

    key: UUID
    source_event_id: UUID
    recipient_role: RecipientRole
    recipient_id: str | None
    template: str
    sensitive: bool
    latest: datetime | None = None
    about_id: UUID | None = None
    """What it is about (the referral, conference or reparation item)."""
    deadline: datetime | None = None
    """The date its row is anchored to: a deadline, a conference's start, an item's due date."""
    duty: Duty | None = None


PARTIES = ("victim", "offender")


def participant_id(conference_id: UUID, line: str) -> str:
    """How a participant, as the facilitator wrote them ("victim", a username, a supporter's name),
    is named in timers and records: the parties by role, anyone else by a hash of the line, so a
    supporter's name never lands in clear where the sealed event kept it."""
    words = " ".join(line.split()).casefold()
    return words if words in PARTIES else f"participant-{uuid5(conference_id, words)}"


Target = tuple[str | None, UUID | None, Any]
"""(recipient id, what it is about, the object carrying the anchor date)."""


def _targets(rule: Rule, event: Any, watch: Watch) -> Iterator[Target]:
    match event.event_type, rule.recipient:
        case "ReferralReceived", "victim":
            yield str(event.victim.subject_id), event.referral_id, event
        case "ReferralReceived", "referrer":
            referrer = str(event.referrer.subject_id) if event.referrer else event.agency_id
            yield referrer, event.referral_id, event
        case "ReferralReceived", _:
            yield None, event.referral_id, event
        case "FacilitatorAllocated" | "FacilitatorReassigned", "victim":
            yield None, event.case_id, event
        case "FacilitatorAllocated" | "FacilitatorReassigned", _:
            people = (event.facilitator, event.co_facilitator)
            yield from ((person, event.case_id, event) for person in people if person)
        case "ConferenceScheduled" | "ConferenceRescheduled" | "ConferenceCancelled", _:
            people = getattr(event, "participants", None) or watch.participants.get(event.conference_id, ())
            ids = dict.fromkeys(participant_id(event.conference_id, person) for person in people)
            yield from ((person, event.conference_id, event) for person in ids)
        case "ReparationAgreed", _:
            yield from ((None, item.item_id, item) for item in event.items)


def _anchor(rule: Rule, carrier: Any) -> Any:
    name = rule.timing.anchor
    if name is None:
        return None
    return DERIVED_ANCHORS[name](carrier) if name in DERIVED_ANCHORS else getattr(carrier, name)


def decide_event(event: DomainEvent, event_id: UUID, now: datetime, watch: Watch | None = None) -> list[Timer]:
    """The timers an event sets: every rule row it triggers, for every recipient it names."""
    watch = watch or Watch()
    timers = []
    for rule in rules_for(event.event_type):
        if rule.when and not CONDITIONS[rule.when](event):
            continue
        for recipient_id, about, carrier in _targets(rule, event, watch):
            anchor = _anchor(rule, carrier)
            fan_out = about if event.event_type == "ReparationAgreed" else None
            key = idempotency_key(event_id, recipient_id or rule.recipient, rule.template, fan_out)
            deadline = anchor if isinstance(anchor, datetime) else None
            timers.append(Timer(key, rule, event_id, due_time(rule.timing, anchor, now), recipient_id, about,
                                deadline or getattr(event, "at", None)))
    return timers


def decide_due(timer: Timer, watch: Watch, now: datetime) -> list[DomainEvent | Send]:
    """What a timer does at ``now``: nothing until due, and once only, while its work is not done."""
    if now < timer.due_at or not watch.is_live(timer):
        return []
    rule = timer.rule
    send = Send(timer.key, timer.source_event_id, rule.recipient, timer.recipient_id, rule.template,
                rule.sensitive, timer.deadline if rule.outcome == "notify" else None, timer.about_id,
                timer.deadline, rule.duty)
    if timer.key in watch.raised:  # recorded already; only its message is being retried
        return [send]
    if rule.outcome == "reminder" and rule.duty in {"acknowledge_referral", "attempt_contact"}:
        return [ReminderRaised(notification_id=timer.key, referral_id=timer.about_id, duty=rule.duty,
                               due_at=timer.deadline), send]
    if rule.outcome == "deadline_missed":
        return [DeadlineMissed(notification_id=timer.key, duty=rule.duty, due_at=timer.deadline,
                               referral_id=timer.about_id), send]
    return [send]


def decide_send(send: Send, person: Person, now: datetime,
                civil: Hours = CIVIL_HOURS) -> Delivery | NotificationSuppressed:
    """How a message reaches one person, or the record that the safety rules stopped it."""
    choice = choose_channel(person, send.sensitive, now, send.latest, civil)
    if isinstance(choice, Delivery):
        return choice
    return NotificationSuppressed(
        notification_id=send.key, source_event_id=send.source_event_id, recipient_role=send.recipient_role,
        recipient_id=send.recipient_id or send.recipient_role, template=send.template,
        reason=choice.reason, detail=choice.detail)

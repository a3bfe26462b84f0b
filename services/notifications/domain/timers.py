"""Durable timers as data: when each rule row falls due, its idempotency key, and what the service
has already seen (``Watch``) so that a timer fires once and never for work that is done.

Times are London time. A reminder "N working days before" a date fires at the start of that
working day (09:00); a deadline is checked at the very moment it passes. England's bank holidays
are not working days (``shared.workingdays``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from uuid import UUID, uuid5

from services.notifications.domain.rules import Rule, Timing
from shared.contracts import casework as c
from shared.contracts import notifications as n
from shared.contracts import referral as r
from shared.contracts.base import DomainEvent
from shared.workingdays import DAY_STARTS, LONDON, add_working_days, is_working_day

NOTIFICATIONS = UUID("6f1d4c1e-2b0a-5d0e-9a57-0c7a9e3f4b21")
"""The namespace of every notification's idempotency key."""


def idempotency_key(source_event_id: UUID, recipient: str, template: str, about: UUID | None = None) -> UUID:
    """One key per (source event, recipient, template): a redelivered event sends nothing twice.
    ``about`` tells apart the items of one event (each reparation item gets its own reminder)."""
    name = f"{source_event_id}|{recipient}|{template}" + (f"|{about}" if about else "")
    return uuid5(NOTIFICATIONS, name)


def working_days_before(day: date, working_days: int) -> date:
    """The working day ``working_days`` working days before ``day``."""
    remaining = working_days
    while remaining:
        day -= timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def due_time(timing: Timing, anchor: datetime | date, now: datetime) -> datetime:
    """When a row with ``timing`` falls due, given its anchor date (``now`` for an immediate row)."""
    if timing.anchor is None:
        return now
    if not isinstance(anchor, datetime):
        anchor = datetime.combine(anchor, DAY_STARTS, LONDON)
    if timing.working_days < 0:
        day = working_days_before(anchor.astimezone(LONDON).date(), -timing.working_days)
        return datetime.combine(day, DAY_STARTS, LONDON)
    return add_working_days(anchor, timing.working_days) if timing.working_days else anchor


@dataclass(frozen=True)
class Timer:
    """One row of the rules, for one recipient, falling due at ``due_at``."""

    key: UUID
    rule: Rule
    source_event_id: UUID
    due_at: datetime
    recipient_id: str | None = None
    """Who exactly, when the event says; None: whoever holds the role when it fires."""
    about_id: UUID | None = None
    """What it is about: the referral, conference or reparation item whose news settles it."""
    deadline: datetime | None = None
    """The date the row is anchored to (a deadline, a conference's start, an item's due date)."""


@dataclass(frozen=True)
class Watch:
    """What the service has seen that decides whether a timer still fires."""

    fired: frozenset[UUID] = frozenset()
    """Notifications sent, suppressed or failed for good."""
    raised: frozenset[UUID] = frozenset()
    """Timers whose reminder or missed deadline is on record (their message may still be retried)."""
    settled: frozenset[UUID] = frozenset()
    """Referrals contacted or closed, conferences cancelled or held, reparation items finished."""
    current: dict[UUID, UUID] = field(default_factory=dict)
    """Each conference's latest scheduling event: reminders of an earlier time do not fire."""
    participants: dict[UUID, tuple[str, ...]] = field(default_factory=dict)
    case_referral: dict[UUID, UUID] = field(default_factory=dict)
    facilitators: tuple[str, ...] = ()
    """Who works the case now (lead first): whom a reminder "to the facilitator" reaches."""
    conference_at: dict[UUID, datetime] = field(default_factory=dict)
    """Each conference's time as last scheduled."""
    moved_from: dict[UUID, datetime] = field(default_factory=dict)
    """For each rescheduling event, the time it moved the conference from."""

    def is_live(self, timer: Timer) -> bool:
        """Not fired yet; and for one set ahead (a reminder, a deadline), not settled since and not
        about a time since moved. News sent at once (moved, cancelled) always goes."""
        if timer.key in self.fired:
            return False
        if timer.rule.timing.anchor is None:
            return True
        if timer.about_id in self.settled:
            return False
        latest = self.current.get(timer.about_id) if timer.about_id else None
        return latest is None or latest == timer.source_event_id


def _settle(watch: Watch, about: UUID | None) -> Watch:
    return watch if about is None else replace(watch, settled=watch.settled | {about})


def evolve(watch: Watch, event: DomainEvent, event_id: UUID) -> Watch:
    """One step of the fold over the events notifications reacts to and records."""
    match event:
        case n.ReminderRaised() | n.DeadlineMissed():
            return replace(watch, raised=watch.raised | {event.notification_id})
        case n.NotificationSent() | n.NotificationSuppressed():
            return replace(watch, fired=watch.fired | {event.notification_id})
        case n.NotificationFailed(permanent=True):
            return replace(watch, fired=watch.fired | {event.notification_id})
        case c.CaseOpened():
            return replace(watch, case_referral={**watch.case_referral, event.case_id: event.referral_id})
        case c.ContactAttempted(party="victim") | c.CaseClosed():
            return _settle(watch, watch.case_referral.get(event.case_id))
        case r.ReferralWithdrawn() | r.ReferralDeclined():
            return _settle(watch, event.referral_id)
        case c.FacilitatorAllocated() | c.FacilitatorReassigned():
            return replace(watch, facilitators=tuple(p for p in (event.facilitator, event.co_facilitator) if p))
        case c.ConferenceScheduled() | c.ConferenceRescheduled():
            people = getattr(event, "participants", None) or watch.participants.get(event.conference_id, ())
            before = watch.conference_at.get(event.conference_id)
            moved = {event_id: before} if before else {}
            return replace(watch, current={**watch.current, event.conference_id: event_id},
                           participants={**watch.participants, event.conference_id: people},
                           conference_at={**watch.conference_at, event.conference_id: event.at},
                           moved_from={**watch.moved_from, **moved})
        case c.ConferenceCancelled() | c.ConferenceHeld():
            return _settle(watch, event.conference_id)
        case c.ReparationItemCompleted() | c.ReparationItemMissed():
            return _settle(watch, event.item_id)
    return watch

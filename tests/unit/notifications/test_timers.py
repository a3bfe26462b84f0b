"""Durable timers with a clock the test moves: reminders before a deadline, DeadlineMissed after it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from services.notifications.domain.decide import Send, decide_due, decide_event
from services.notifications.domain.timers import Watch, evolve, idempotency_key
from shared.contracts import casework as c
from shared.contracts.notifications import DeadlineMissed, NotificationFailed, NotificationSent, ReminderRaised
from shared.workingdays import LONDON
from tests.unit.notifications.examples import (
    CASE_ID,
    EVENT_ID,
    REFERRAL_ID,
    Clock,
    cancelled,
    opened,
    received,
    reparation,
    rescheduled,
    scheduled,
)

CHRISTMAS_EVE = datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)


def timer(event, template: str, clock: Clock, watch: Watch | None = None, event_id: UUID = EVENT_ID):
    return next(t for t in decide_event(event, event_id, clock.now(), watch) if t.rule.template == template)


def record(watch: Watch, outcomes) -> Watch:
    for outcome in outcomes:
        if not isinstance(outcome, Send):
            watch = evolve(watch, outcome, UUID(int=999))
    return watch


def test_the_facilitator_is_reminded_once_the_working_day_before_the_first_contact_deadline():
    clock = Clock()
    reminder, watch = timer(received(), "first_contact_reminder", clock), evolve(Watch(), opened(), EVENT_ID)
    clock.at = reminder.due_at - timedelta(minutes=1)
    assert decide_due(reminder, watch, clock.now()) == []
    clock.at = reminder.due_at
    raised, send = decide_due(reminder, watch, clock.now())
    assert raised == ReminderRaised(notification_id=reminder.key, referral_id=REFERRAL_ID, duty="attempt_contact",
                                    due_at=datetime(2026, 10, 7, 10, 0, tzinfo=LONDON))
    assert (send.recipient_role, send.template) == ("facilitator", "first_contact_reminder")
    # On record, the reminder is not raised again; its message alone is retried until it has gone.
    assert decide_due(reminder, record(watch, [raised]), clock.now() + timedelta(hours=1)) == [send]
    gone = NotificationSent(notification_id=reminder.key, source_event_id=EVENT_ID, recipient_role="facilitator",
                            recipient_id="ada", template="first_contact_reminder", channel="email")
    assert decide_due(reminder, record(watch, [raised, gone]), clock.now() + timedelta(hours=1)) == []


def test_the_supervisor_hears_of_a_missed_deadline_when_no_contact_was_attempted():
    clock = Clock()
    missed = timer(received(), "deadline_missed", clock)
    clock.at = missed.due_at + timedelta(seconds=1)
    outcome, send = decide_due(missed, evolve(Watch(), opened(), EVENT_ID), clock.now())
    assert outcome == DeadlineMissed(notification_id=missed.key, duty="attempt_contact", due_at=missed.due_at,
                                     referral_id=REFERRAL_ID)
    assert send.recipient_role == "supervisor"


def test_nothing_fires_once_contact_was_attempted():
    clock = Clock()
    timers = decide_event(received(), EVENT_ID, clock.now())
    watch = evolve(evolve(Watch(), opened(), EVENT_ID), c.ContactAttempted(
        case_id=CASE_ID, subject_id=UUID(int=3), party="victim", channel="phone", outcome="no_answer"), EVENT_ID)
    clock.at += timedelta(days=10)
    assert [outcome for t in timers if t.rule.duty for outcome in decide_due(t, watch, clock.now())] == []


def test_bank_holidays_do_not_count_christmas_2026():
    clock = Clock(CHRISTMAS_EVE)  # 25 Dec (Fri) and 28 Dec (Mon, for Boxing Day) are bank holidays
    assert timer(received(at=CHRISTMAS_EVE), "first_contact_reminder", clock).due_at == datetime(
        2026, 12, 29, 9, 0, tzinfo=LONDON)
    assert timer(received(at=CHRISTMAS_EVE), "deadline_missed", clock).due_at == datetime(
        2026, 12, 30, 10, 0, tzinfo=LONDON)
    assert timer(reparation(date(2026, 12, 29)), "reparation_item_due", clock).due_at == datetime(
        2026, 12, 24, 9, 0, tzinfo=LONDON)


def test_a_conference_reminder_of_a_time_since_moved_does_not_fire():
    clock, moved_by = Clock(), UUID(int=2)
    first = timer(scheduled(), "conference_reminder", clock)
    moved = rescheduled(first.deadline + timedelta(days=7))
    watch = evolve(evolve(Watch(), scheduled(), EVENT_ID), moved, moved_by)
    assert decide_due(first, watch, first.due_at) == []
    later = timer(moved, "conference_reminder", clock, watch, event_id=moved_by)
    assert [s.latest for s in decide_due(later, watch, later.due_at)] == [later.deadline]


def test_a_reparation_reminder_stops_once_the_item_is_done():
    clock = Clock()
    item = timer(reparation(date(2026, 11, 2)), "reparation_item_due", clock)
    done = evolve(Watch(), c.ReparationItemCompleted(case_id=CASE_ID, item_id=item.about_id, on=date(2026, 10, 20)),
                  EVENT_ID)
    assert decide_due(item, done, item.due_at) == []
    assert [s.template for s in decide_due(item, Watch(), item.due_at)] == ["reparation_item_due"]


def test_a_failed_send_fires_again_unless_the_failure_is_permanent():
    clock = Clock()
    ack = timer(received(), "acknowledgement_to_victim", clock)
    failed = dict(notification_id=ack.key, source_event_id=EVENT_ID, recipient_role="victim", recipient_id="v",
                  template=ack.rule.template, channel="email", reason="timeout", attempt=1)
    assert decide_due(ack, evolve(Watch(), NotificationFailed(**failed, permanent=False), EVENT_ID), clock.now())
    assert decide_due(ack, evolve(Watch(), NotificationFailed(**failed, permanent=True), EVENT_ID), clock.now()) == []
    sent = NotificationSent(**{k: v for k, v in failed.items() if k not in {"reason", "attempt"}})
    assert decide_due(ack, evolve(Watch(), sent, EVENT_ID), clock.now()) == []


def test_idempotency_keys_are_stable_across_calls_and_distinct_per_recipient_and_template():
    clock = Clock()
    keys = [t.key for t in decide_event(scheduled(), EVENT_ID, clock.now())]
    clock.at += timedelta(days=1)
    assert keys == [t.key for t in decide_event(scheduled(), EVENT_ID, clock.now())]
    assert len(set(keys)) == len(keys)
    assert idempotency_key(EVENT_ID, "victim", "conference_reminder") == UUID("ac72498d-25bd-56cf-ace2-9a2b452c94c6")


def test_news_of_a_cancellation_goes_although_the_cancellation_settles_the_reminders():
    clock, cancelled_by = Clock(), UUID(int=3)
    watch = evolve(evolve(Watch(), scheduled(), EVENT_ID), cancelled(), cancelled_by)
    notices = decide_event(cancelled(), cancelled_by, clock.now(), watch)
    assert [s.recipient_id for t in notices for s in decide_due(t, watch, clock.now())] == ["victim", "offender"]
    assert decide_due(timer(scheduled(), "conference_reminder", clock), watch, datetime(2026, 10, 19, 9,
                                                                                         tzinfo=LONDON)) == []

"""The notifications handlers on fakes: an event's timers are stored, fire once, and send through
the safety rules (consent withdrawn, erasure) — the in-memory store, keys, timers and a fake sender."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4, uuid5

import pytest

from services.notifications.adapters.delivery import TransientDeliveryError
from services.notifications.adapters.timers import MemoryTimers
from services.notifications.handlers import Dependencies
from services.notifications.handlers.dependencies import Clock
from services.notifications.handlers.firing import fire_due
from services.notifications.handlers.reactions import ScheduleNotifications
from shared.contracts.casework import ConsentWithdrawn
from shared.contracts.referral import ContactPreferences, Offence, ReferralReceived, Victim
from shared.envelope import Cause, new_event, open_event
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.port import Actor
from tests.unit.referral.fakes import InMemoryKeys

MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CAUSE = Cause.fresh(Actor("agency", "test", None))


class FakeEmail:
    def __init__(self, failures: int = 0):
        self.sent: list[tuple[str, object]] = []
        self.failures = failures

    async def send_email(self, to, message, *, reference=None):
        if self.failures:
            self.failures -= 1
            raise TransientDeliveryError("busy", "451 4.3.0 Try again later")
        self.sent.append((to, message))
        return f"<{len(self.sent)}@test>"


def deps(email=None) -> Dependencies:
    return Dependencies(store=InMemoryEventStore(), keys=InMemoryKeys(), timers=MemoryTimers(),
                        email=email if email is not None else FakeEmail(), clock=Clock(MONDAY_NOON),
                        progress_url="https://rj.example.org/progress/x")


def self_referral() -> ReferralReceived:
    return ReferralReceived(
        referral_id=uuid4(), reference="REF-2026-000042", source="self",
        victim=Victim(subject_id=uuid4(), name="Ada Lovelace", email="ada@example.net",
                      contact_preferences=ContactPreferences(channels=("email",))),
        offence=Offence(offence_type="burglary", area="Buckinghamshire"), criminal_justice_stage="unknown",
        initiated_by="victim", victim_aware_of_referral=True, received_at=MONDAY_NOON)


async def received(d: Dependencies, event: ReferralReceived):
    new = await new_event(event, CAUSE, d.keys, event_id=uuid5(event.referral_id, "received"))
    await d.store.append(f"referral-{event.referral_id}", [new], None)
    [recorded] = await d.store.read_stream(f"referral-{event.referral_id}")
    envelope = await open_event(recorded, d.keys)
    await ScheduleNotifications().react(envelope, d)
    return envelope


async def notifications(d: Dependencies) -> list:
    recorded = [e for e in await d.store.read_all(_start(), 10_000) if e.stream_id.startswith("notification-")]
    return [(await open_event(e, d.keys)).event for e in recorded]


def _start():
    from shared.eventstore.port import Position
    return Position.start()


async def test_a_self_referral_is_acknowledged_by_email_once_however_often_it_arrives():
    d = deps()
    envelope = await received(d, self_referral())
    await fire_due(d)
    await ScheduleNotifications().react(envelope, d)  # redelivered
    await fire_due(d)
    [(to, message)] = d.email.sent
    assert to == "ada@example.net" and "REF-2026-000042" in message.subject and "Dear Ada" in message.text
    [sent] = await notifications(d)
    assert sent.event_type == "NotificationSent" and sent.recipient_role == "victim" and sent.channel == "email"


async def test_deadlines_fire_once_and_staff_without_details_are_suppressed():
    d = deps()
    await received(d, self_referral())
    await fire_due(d)
    later = MONDAY_NOON + timedelta(days=10)
    await fire_due(d, later)
    await fire_due(d, later + timedelta(days=1))
    kinds = sorted(e.event_type for e in await notifications(d))
    assert kinds == ["DeadlineMissed", "NotificationSent", "NotificationSuppressed", "NotificationSuppressed",
                     "ReminderRaised"]
    assert {e.reason for e in await notifications(d) if e.event_type == "NotificationSuppressed"} \
        == {"no_contact_details"}


@pytest.mark.parametrize("stop", ["withdrawn", "erased"])
async def test_withdrawal_or_erasure_stops_the_message_at_send_time(stop):
    d = deps()
    event = self_referral()
    d.clock.set(MONDAY_NOON - timedelta(hours=1))
    await received(d, event)  # scheduled, not yet sent
    if stop == "withdrawn":
        case_id = uuid5(event.referral_id, "case")
        withdrawal = ConsentWithdrawn(case_id=case_id, consent_id=uuid4(), party="victim", scope="participation")
        await d.store.append(f"case-{case_id}", [await new_event(withdrawal, CAUSE, d.keys)], None)
    else:
        await d.keys.discard([event.victim.subject_id])
    await fire_due(d, MONDAY_NOON)
    assert d.email.sent == []
    [suppressed] = [e for e in await notifications(d) if e.event_type == "NotificationSuppressed"]
    assert suppressed.reason == stop


async def test_a_transient_failure_is_retried_after_back_off():
    d = deps(FakeEmail(failures=1))
    await received(d, self_referral())
    await fire_due(d)
    assert d.email.sent == []
    await fire_due(d, MONDAY_NOON + timedelta(seconds=30))  # too soon
    await fire_due(d, MONDAY_NOON + timedelta(minutes=2))
    assert len(d.email.sent) == 1
    kinds = [(e.event_type, getattr(e, "permanent", None)) for e in await notifications(d)]
    assert kinds == [("NotificationFailed", False), ("NotificationSent", None)]


async def test_without_an_smtp_server_nothing_is_sent_or_recorded():
    d = Dependencies(store=InMemoryEventStore(), keys=InMemoryKeys(), timers=MemoryTimers(), email=None,
                     clock=Clock(MONDAY_NOON))
    await received(d, self_referral())
    assert await fire_due(d) == 1  # the immediate acknowledgement: taken, not sent, not recorded
    assert await notifications(d) == []

"""The notifications handlers on fakes: an event's timers are stored, fire once, and send through
the safety rules (consent withdrawn, erasure) to the people the rules name — the in-memory store,
keys and timers, fake providers and a staff directory in memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4, uuid5

import pytest

from services.notifications.adapters.delivery import TransientDeliveryError
from services.notifications.adapters.staff import MemoryDirectory
from services.notifications.adapters.timers import MemoryTimers
from services.notifications.bootstrap import progress_link
from services.notifications.handlers import Dependencies
from services.notifications.handlers.dependencies import Clock, Senders
from services.notifications.handlers.firing import fire_due
from services.notifications.handlers.reactions import ScheduleNotifications
from shared.contracts.casework import (
    CaseOpened,
    ConferenceCancelled,
    ConferenceScheduled,
    ConsentWithdrawn,
    FacilitatorAllocated,
    case_id_for,
)
from shared.contracts.referral import ContactPreferences, Offence, ReferralReceived, Victim
from shared.crypto.links import verify_link
from shared.envelope import Cause, new_event, open_event
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.port import Actor, Position
from tests.unit.referral.fakes import InMemoryKeys

MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CAUSE = Cause.fresh(Actor("agency", "test", None))
LINK_KEY = b"k" * 32
STAFF = MemoryDirectory(("ada", "Ada Facilitator", "facilitator", "ada@rj.example.org"),
                        ("sam", "Sam Supervisor", "supervisor", "sam@rj.example.org"),
                        ("kim", "Kim Supervisor", "supervisor", "kim@rj.example.org"),
                        ("lou", "Lou Supervisor", "supervisor", None))


class FakeProvider:
    """Email, SMS and letter at once; ``failing`` addresses fail transiently ``failures`` times."""

    def __init__(self, failures: int = 0, failing: str | None = None):
        self.sent: list[tuple[str, object, object]] = []
        self.failures, self.failing = failures, failing

    async def _take(self, channel, to, message):
        if self.failures and (self.failing is None or to == self.failing):
            self.failures -= 1
            raise TransientDeliveryError("busy", "451 4.3.0 Try again later")
        self.sent.append((channel, to, message))
        return f"<{len(self.sent)}@test>"

    async def send_email(self, to, message, *, reference=None):
        return await self._take("email", to, message)

    async def send_sms(self, to, message, *, reference=None):
        return await self._take("sms", to, message)

    async def send_letter(self, address, message, *, reference=None):
        return await self._take("letter", tuple(address), message)

    def to(self, address) -> list[str]:
        return [message.template for _, to, message in self.sent if to == address]


def deps(provider=None, *, store=None, timers=None, staff=STAFF) -> Dependencies:
    provider = provider if provider is not None else FakeProvider()
    return Dependencies(store=store or InMemoryEventStore(), keys=InMemoryKeys(), timers=timers or MemoryTimers(),
                        senders=Senders(email=provider, sms=provider, letter=provider), staff=staff,
                        clock=Clock(MONDAY_NOON), casework_url="https://casework.example.org",
                        progress_link=lambda referral_id: progress_link(
                            LINK_KEY, "https://rj.example.org/progress/", timedelta(days=180), referral_id))


def sent(d: Dependencies) -> FakeProvider:
    return d.senders.email  # type: ignore[return-value]


def self_referral(**victim) -> ReferralReceived:
    details = {"email": "ada@example.net", "contact_preferences": ContactPreferences(channels=("email",))} | victim
    return ReferralReceived(
        referral_id=uuid4(), reference="REF-2026-000042", source="self",
        victim=Victim(subject_id=uuid4(), name="Ada Lovelace", **details),
        offence=Offence(offence_type="burglary", area="Buckinghamshire"), criminal_justice_stage="unknown",
        initiated_by="victim", victim_aware_of_referral=True, received_at=MONDAY_NOON)


async def recorded(d: Dependencies, stream: str, event, event_id=None):
    """Append ``event`` as its producer would, and deliver it to the reaction."""
    await d.store.append(stream, [await new_event(event, CAUSE, d.keys, event_id=event_id)], None)
    envelope = await open_event((await d.store.read_stream(stream))[-1], d.keys)
    await ScheduleNotifications().react(envelope, d)
    return envelope


async def received(d: Dependencies, event: ReferralReceived):
    return await recorded(d, f"referral-{event.referral_id}", event, uuid5(event.referral_id, "received"))


async def on_case(d: Dependencies, referral: ReferralReceived, event):
    return await recorded(d, f"case-{case_id_for(referral.referral_id)}", event)


def opened(referral: ReferralReceived) -> CaseOpened:
    return CaseOpened(case_id=case_id_for(referral.referral_id), referral_id=referral.referral_id,
                      reference="RJ-2026-000007")


async def notifications(d: Dependencies) -> list:
    recorded = [e for e in await d.store.read_all(Position.start(), 10_000) if e.stream_id.startswith("notification-")]
    return [(await open_event(e, d.keys)).event for e in recorded]


async def test_a_self_referral_is_acknowledged_by_email_once_however_often_it_arrives():
    d = deps()
    envelope = await received(d, self_referral())
    await fire_due(d)
    await ScheduleNotifications().react(envelope, d)  # redelivered
    await fire_due(d)
    [(channel, to, message)] = sent(d).sent
    assert channel == "email"
    assert to == "ada@example.net" and "REF-2026-000042" in message.subject and "Dear Ada" in message.text
    [record] = await notifications(d)
    assert record.event_type == "NotificationSent" and record.recipient_role == "victim" and record.channel == "email"


async def test_the_acknowledgement_carries_a_private_link_to_the_referral_s_own_progress_page():
    d = deps()
    referral = self_referral()
    await received(d, referral)
    await fire_due(d)
    [(_, _, message)] = sent(d).sent
    [link] = [word for word in message.text.split() if word.startswith("https://rj.example.org/progress/")]
    claims = verify_link(LINK_KEY, link.removeprefix("https://rj.example.org/progress/"))
    assert claims is not None and claims.subject_id == referral.referral_id
    assert link in message.html  # the HTML part carries the same link


async def test_deadlines_reach_every_supervisor_with_an_email_once_each():
    d = deps()
    referral = self_referral()
    await received(d, referral)
    await on_case(d, referral, opened(referral))
    await fire_due(d)
    later = MONDAY_NOON + timedelta(days=10)
    await fire_due(d, later)
    await fire_due(d, later + timedelta(days=1))
    # Nobody was allocated: the first-contact reminder goes to the supervisors, as does the missed deadline.
    for supervisor in ("sam@rj.example.org", "kim@rj.example.org"):
        assert sorted(sent(d).to(supervisor)) == ["deadline_missed", "first_contact_reminder"]
    [(_, _, missed)] = [s for s in sent(d).sent if s[2].template == "deadline_missed" and s[1].startswith("sam")]
    assert "Sam Supervisor" in missed.text and "RJ-2026-000007" in missed.subject
    assert f"https://casework.example.org/cases/{case_id_for(referral.referral_id)}" in missed.text
    kinds = sorted(e.event_type for e in await notifications(d))
    assert kinds == ["DeadlineMissed", *["NotificationSent"] * 5, "ReminderRaised"]


async def test_the_first_contact_reminder_goes_to_the_facilitator_once_one_is_allocated():
    d = deps()
    referral = self_referral()
    await received(d, referral)
    await on_case(d, referral, opened(referral))
    await on_case(d, referral, FacilitatorAllocated(case_id=case_id_for(referral.referral_id), facilitator="ada",
                                                    level="advanced", allocated_by="sam"))
    await fire_due(d)
    assert sent(d).to("ada@rj.example.org") == ["case_allocated"]
    assert sorted(sent(d).to("ada@example.net")) == ["acknowledgement_to_victim", "facilitator_allocated"]
    [(_, _, told)] = [s for s in sent(d).sent if s[2].template == "facilitator_allocated"]
    assert "Ada Facilitator will be your restorative justice facilitator" in told.text
    await fire_due(d, MONDAY_NOON + timedelta(days=1))
    assert sent(d).to("ada@rj.example.org") == ["case_allocated", "first_contact_reminder"]
    assert sent(d).to("sam@rj.example.org") == []


async def test_a_supervisor_whose_server_defers_is_retried_without_a_second_message_to_the_others():
    d = deps(FakeProvider(failures=1, failing="kim@rj.example.org"))
    referral = self_referral()
    await received(d, referral)
    await fire_due(d, MONDAY_NOON + timedelta(days=10))
    assert len(sent(d).to("kim@rj.example.org")) == 1  # the first of the two was deferred
    assert len(sent(d).to("sam@rj.example.org")) == 2
    await fire_due(d, MONDAY_NOON + timedelta(days=10, minutes=2))
    for supervisor in ("sam@rj.example.org", "kim@rj.example.org"):
        assert sorted(sent(d).to(supervisor)) == ["deadline_missed", "first_contact_reminder"]


async def test_a_conference_is_told_to_the_victim_and_staff_and_a_supporter_s_name_stays_out_of_the_records():
    d = deps()
    referral = self_referral()
    case_id = case_id_for(referral.referral_id)
    await received(d, referral)
    await on_case(d, referral, opened(referral))
    conference = uuid4()
    at = datetime(2026, 3, 20, 14, 30, tzinfo=UTC)
    await on_case(d, referral, ConferenceScheduled(
        case_id=case_id, subject_id=referral.victim.subject_id, conference_id=conference, at=at,
        venue="Aylesbury community centre", participants=("Victim", "ada", "Jane Supporter", "offender")))
    await fire_due(d)
    assert "conference_scheduled" in sent(d).to("ada@example.net")
    assert sent(d).to("ada@rj.example.org") == ["conference_scheduled"]
    [(_, _, told)] = [s for s in sent(d).sent if s[1] == "ada@example.net" and s[2].template == "conference_scheduled"]
    assert "20 March 2026" in told.text and "14:30" in told.text and "Aylesbury community centre" in told.text
    records = await notifications(d)
    nobody = [e for e in records if e.event_type == "NotificationSuppressed"]
    assert {e.reason for e in nobody} == {"no_contact_details"} and len(nobody) == 2  # supporter, offender
    assert all("Jane" not in e.model_dump_json() for e in records)
    await on_case(d, referral, ConferenceCancelled(case_id=case_id, conference_id=conference, reason="ill"))
    await fire_due(d)
    assert sent(d).to("ada@rj.example.org")[-1] == "conference_cancelled"
    await fire_due(d, datetime(2026, 3, 19, 9, 30, tzinfo=UTC))  # the reminder of a cancelled meeting never goes
    assert "conference_reminder" not in sent(d).to("ada@example.net")


async def test_a_text_message_never_carries_a_sensitive_template_and_a_letter_gets_the_address():
    d = deps()
    by_text = self_referral(email=None, phone="07700900123", contact_preferences=ContactPreferences(channels=("sms",)))
    await received(d, by_text)
    await on_case(d, by_text, opened(by_text))
    await on_case(d, by_text, ConferenceScheduled(
        case_id=case_id_for(by_text.referral_id), subject_id=by_text.victim.subject_id, conference_id=uuid4(),
        at=datetime(2026, 3, 20, 14, 0, tzinfo=UTC), venue="Aylesbury", participants=("victim", "ada")))
    by_post = self_referral(email=None, address="1 High Street\nAylesbury", postcode="HP20 1AA",
                            contact_preferences=ContactPreferences(channels=("letter",)))
    await received(d, by_post)
    await fire_due(d)
    assert sent(d).to("07700900123") == ["acknowledgement_to_victim"]
    [unsafe] = [e for e in await notifications(d) if e.event_type == "NotificationSuppressed"
                and e.template == "conference_scheduled"]
    assert unsafe.reason == "unsafe_channel"
    assert sent(d).to(("Ada Lovelace", "1 High Street", "Aylesbury", "HP20 1AA")) == ["acknowledgement_to_victim"]


@pytest.mark.parametrize("stop", ["withdrawn", "erased"])
async def test_withdrawal_or_erasure_stops_the_message_at_send_time(stop):
    d = deps()
    event = self_referral()
    d.clock.set(MONDAY_NOON - timedelta(hours=1))
    await received(d, event)  # scheduled, not yet sent
    if stop == "withdrawn":
        case_id = case_id_for(event.referral_id)
        withdrawal = ConsentWithdrawn(case_id=case_id, consent_id=uuid4(), party="victim", scope="participation")
        await d.store.append(f"case-{case_id}", [await new_event(withdrawal, CAUSE, d.keys)], None)
    else:
        await d.keys.discard([event.victim.subject_id])
    await fire_due(d, MONDAY_NOON)
    assert sent(d).sent == []
    [suppressed] = [e for e in await notifications(d) if e.event_type == "NotificationSuppressed"]
    assert suppressed.reason == stop


async def test_a_transient_failure_is_retried_after_back_off():
    d = deps(FakeProvider(failures=1))
    await received(d, self_referral())
    await fire_due(d)
    assert sent(d).sent == []
    await fire_due(d, MONDAY_NOON + timedelta(seconds=30))  # too soon
    await fire_due(d, MONDAY_NOON + timedelta(minutes=2))
    assert len(sent(d).sent) == 1
    kinds = [(e.event_type, getattr(e, "permanent", None)) for e in await notifications(d)]
    assert kinds == [("NotificationFailed", False), ("NotificationSent", None)]


async def test_without_any_provider_a_due_message_waits_and_goes_once_one_is_configured():
    unconfigured = Dependencies(store=InMemoryEventStore(), keys=InMemoryKeys(), timers=MemoryTimers(),
                                clock=Clock(MONDAY_NOON))
    await received(unconfigured, self_referral())
    assert await fire_due(unconfigured) == 1  # taken, not sent, not recorded: put back
    assert await notifications(unconfigured) == []
    d = deps(store=unconfigured.store, timers=unconfigured.timers)
    d.keys.__dict__.update(unconfigured.keys.__dict__)  # the same key store, as after a restart
    await fire_due(d, MONDAY_NOON + timedelta(minutes=20))
    assert sent(d).to("ada@example.net") == ["acknowledgement_to_victim"]


async def test_a_moved_meeting_says_both_dates_and_a_reparation_item_reminds_the_facilitator():
    from datetime import date

    from shared.contracts.casework import ConferenceRescheduled, ReparationAgreed, ReparationItem

    d = deps()
    referral = self_referral()
    case_id = case_id_for(referral.referral_id)
    await received(d, referral)
    await on_case(d, referral, opened(referral))
    await on_case(d, referral, FacilitatorAllocated(case_id=case_id, facilitator="ada", level="advanced",
                                                    allocated_by="sam"))
    conference = uuid4()
    await on_case(d, referral, ConferenceScheduled(
        case_id=case_id, subject_id=referral.victim.subject_id, conference_id=conference,
        at=datetime(2026, 3, 20, 14, 0, tzinfo=UTC), venue="Aylesbury", participants=("victim", "ada")))
    await on_case(d, referral, ConferenceRescheduled(case_id=case_id, subject_id=referral.victim.subject_id,
                                                     conference_id=conference,
                                                     at=datetime(2026, 3, 27, 10, 0, tzinfo=UTC)))
    await on_case(d, referral, ReparationAgreed(
        case_id=case_id, subject_id=uuid4(), agreement_id=uuid4(),
        items=(ReparationItem(item_id=uuid4(), kind="direct_reparation", description="repaint the fence",
                              due=date(2026, 4, 10)),)))
    await fire_due(d)
    [(_, _, moved)] = [s for s in sent(d).sent if s[2].template == "conference_moved" and s[1] == "ada@example.net"]
    assert "20 March 2026" in moved.text and "27 March 2026 at 10:00" in moved.text
    await fire_due(d, datetime(2026, 4, 9, 9, 30, tzinfo=UTC))
    [(_, _, item)] = [s for s in sent(d).sent if s[2].template == "reparation_item_due"]
    assert "direct reparation" in item.text and "10 April 2026" in item.text
    assert "fence" not in item.text  # what they undertook stays on the case
    assert sent(d).to("ada@rj.example.org")[-1] == "reparation_item_due"


async def test_a_victim_whose_language_has_no_templates_yet_is_written_to_in_english():
    d = deps()
    await received(d, self_referral(contact_preferences=ContactPreferences(channels=("email",), language="Polish",
                                                                           interpreter_needed=True)))
    await fire_due(d)
    [(_, _, message)] = sent(d).sent
    assert message.language == "en" and message.text.startswith("Dear Ada,")


async def test_the_victim_is_given_the_referral_s_reference_even_once_the_case_is_open():
    d = deps()
    referral = self_referral()
    d.clock.set(MONDAY_NOON - timedelta(hours=6))  # before 08:00: the acknowledgement waits
    await received(d, referral)
    await on_case(d, referral, opened(referral))
    await fire_due(d, MONDAY_NOON)
    [(_, _, message)] = sent(d).sent
    assert "REF-2026-000042" in message.subject and "RJ-2026-000007" not in message.text

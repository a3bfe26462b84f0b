"""Choosing a channel and a moment from a person's contact preferences, or suppressing with a reason."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.notifications.domain.channels import Delivery, Person, Suppression, choose_channel, contactable
from services.notifications.domain.decide import Send, decide_send
from services.notifications.domain.rules import RULES, is_sensitive
from shared.contracts.base import ERASED
from shared.contracts.notifications import NotificationSuppressed
from shared.contracts.referral import ContactPreferences
from shared.workingdays import LONDON
from tests.unit.notifications.examples import MONDAY, person

CHANNELS = ("phone", "sms", "email", "letter", "in_person")


def reason(decision) -> str | None:
    return decision.reason if isinstance(decision, Suppression) else None


def test_written_channels_come_first_in_the_persons_language():
    decision = choose_channel(person(channels=("phone", "sms", "email"), may_leave_message=True), False, MONDAY)
    assert decision == Delivery("email", MONDAY, "Polish", False)


def test_only_channels_the_person_allowed_and_we_hold_details_for():
    assert choose_channel(person(channels=("sms",), reachable=("sms", "email")), False, MONDAY).channel == "sms"
    assert reason(choose_channel(person(channels=("email",), reachable=("sms",)), False, MONDAY)) == (
        "no_contact_details")
    assert reason(choose_channel(person(channels=("in_person",)), False, MONDAY)) == "no_contact_details"


@pytest.mark.parametrize(("who", "expected"), [
    (person(erased=True), "erased"),
    (Person(ContactPreferences(channels=("email",), safe_times=ERASED), frozenset({"email"})), "erased"),
    (Person(None, frozenset({"email"})), "erased"),
    (person(withdrawn=True), "withdrawn"),
    (person(consented=False), "no_consent"),
    (person(channels=("email",), reachable=()), "no_contact_details"),
    (person(channels=("sms",)), "unsafe_channel"),
    (person(channels=("phone",), may_leave_message=False), "unsafe_channel"),
    (person(safe_times="only when he is out"), "safe_times_unclear"),
])
def test_each_suppression_reason(who, expected):
    assert reason(choose_channel(who, True, MONDAY)) == expected


def test_a_phone_message_only_where_leaving_one_is_allowed():
    assert choose_channel(person(channels=("phone",), may_leave_message=True), True, MONDAY).channel == "phone"


def test_a_send_waits_for_the_safe_time_unless_that_is_too_late():
    evenings = person(safe_times="weekdays after 6pm")
    assert choose_channel(evenings, False, MONDAY).when == datetime(2026, 10, 5, 18, 0, tzinfo=LONDON)
    too_late = choose_channel(evenings, False, MONDAY, latest=datetime(2026, 10, 5, 17, 0, tzinfo=LONDON))
    assert reason(too_late) == "unsafe_time"


def test_a_letter_goes_now_whatever_the_hour():
    assert choose_channel(person(channels=("letter",), safe_times="evenings"), True, MONDAY).when == MONDAY


def test_a_suppression_is_recorded_for_the_facilitator_without_personal_data():
    send = Send(UUID(int=5), UUID(int=1), "victim", "v-1", "conference_reminder", True)
    suppressed = decide_send(send, person(channels=("sms",), safe_times="when the kids are at school"), MONDAY)
    assert isinstance(suppressed, NotificationSuppressed)
    assert (suppressed.reason, suppressed.notification_id, suppressed.template) == (
        "unsafe_channel", UUID(int=5), "conference_reminder")
    assert "kids" not in suppressed.model_dump_json()


preferences = st.builds(
    ContactPreferences, channels=st.lists(st.sampled_from(CHANNELS), unique=True).map(tuple),
    safe_times=st.one_of(st.none(), st.sampled_from(["any time", "evenings", "weekdays after 6pm", "??"]),
                         st.text(max_size=20)),
    may_leave_message=st.booleans())


@given(template=st.sampled_from(sorted({rule.template for rule in RULES})), prefs=preferences,
       reachable=st.frozensets(st.sampled_from(CHANNELS)),
       now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(LONDON)))
def test_an_sms_never_carries_a_sensitive_template(template, prefs, reachable, now):
    decision = choose_channel(Person(prefs, reachable), is_sensitive(template), now)
    if isinstance(decision, Delivery) and decision.channel == "sms":
        assert not is_sensitive(template)
    if isinstance(decision, Delivery):
        assert decision.channel in prefs.channels and decision.channel in reachable and decision.when >= now


def test_a_person_is_built_from_the_details_on_record_and_an_erased_detail_means_erased():
    prefs = ContactPreferences(channels=("sms", "letter"))
    assert contactable(prefs, phone="+447700900123").reachable == {"sms", "phone"}
    assert contactable(prefs, address="1 High St").reachable == {"letter"}
    forgotten = contactable(prefs, email=ERASED, phone=ERASED)
    assert reason(choose_channel(forgotten, False, MONDAY)) == "erased"

"""What a referral document must contain, field by field (``ReferralSubmission``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from services.referral.domain.submission import EXAMPLE, ReferralSubmission
from tests.unit.referral.examples import REMOVE, SELF_REFERRAL, document, submission

NO_CONTACT_DETAILS = {"victim.email": REMOVE, "victim.phone": REMOVE, "victim.contact_preferences": REMOVE}


def refusal(changes: dict) -> list[tuple[tuple, str]]:
    """The (location, message) of every error the changed document is refused with."""
    with pytest.raises(ValidationError) as refused:
        ReferralSubmission.model_validate(document(changes))
    return [(error["loc"], error["msg"]) for error in refused.value.errors()]


def test_the_example_partner_referral_is_valid_and_normalised():
    valid = ReferralSubmission.model_validate(EXAMPLE)
    assert valid.victim.phone == "+447700900123"
    assert valid.referrer is not None and valid.referrer.phone == "+441632960001"
    assert valid.victim.postcode == "HP20 1AA"
    assert valid.victim.contact_preferences is not None
    assert valid.victim.contact_preferences.channels == ["email", "phone"]


def test_contact_details_without_contact_preferences_are_refused():
    assert refusal({"victim.contact_preferences": REMOVE}) == [
        (("victim",), "Value error, contact_preferences: required because email, phone given;"
                      " say which channels are safe to use"),
    ]


def test_a_victim_with_no_contact_details_needs_no_contact_preferences():
    valid = submission(NO_CONTACT_DETAILS)
    assert valid.victim.contact_preferences is None
    assert valid.victim.email is None and valid.victim.phone is None


@pytest.mark.parametrize(("channel", "detail", "removed"), [
    ("email", "email", {"victim.email": REMOVE}),
    ("sms", "phone", {"victim.phone": REMOVE}),
    ("phone", "phone", {"victim.phone": REMOVE}),
    ("letter", "address", {}),  # the example gives a postcode, but no address
])
def test_a_channel_chosen_without_its_contact_detail_is_refused(channel, detail, removed):
    changes = {**removed, "victim.contact_preferences": {"channels": [channel]}}
    assert refusal(changes) == [
        (("victim",), f"Value error, contact_preferences.channels: '{channel}' chosen but no {detail} given"),
    ]


@pytest.mark.parametrize(("channel", "given"), [
    ("email", {"victim.email": "alex@example.org"}),
    ("sms", {"victim.phone": "07700 900123"}),
    ("phone", {"victim.phone": "07700 900123"}),
    ("letter", {"victim.address": "1 High Street, Aylesbury"}),
    ("in_person", {}),
])
def test_a_channel_chosen_with_its_contact_detail_is_accepted(channel, given):
    valid = submission({**NO_CONTACT_DETAILS, **given, "victim.contact_preferences": {"channels": [channel]}})
    assert valid.victim.contact_preferences is not None
    assert valid.victim.contact_preferences.channels == [channel]


def test_an_agency_referral_without_a_referrer_is_refused():
    assert refusal({"referrer": REMOVE}) == [((), "Value error, referrer: required when the source is an agency")]


def test_a_self_referral_needs_no_referrer():
    valid = submission(SELF_REFERRAL)
    assert valid.source == "self"
    assert valid.referrer is None


@pytest.mark.parametrize("initiator", ["agency", "offender"])
def test_a_self_referral_not_initiated_by_the_victim_is_refused(initiator):
    assert refusal({**SELF_REFERRAL, "initiated_by": initiator}) == [
        ((), "Value error, initiated_by: must be 'victim' for a self-referral"),
    ]


@pytest.mark.parametrize(("path", "location"), [
    ("urgent", ("urgent",)),
    ("victim.nickname", ("victim", "nickname")),
    ("offence.weapon", ("offence", "weapon")),
])
def test_unknown_fields_are_refused(path, location):
    assert refusal({path: "yes"}) == [(location, "Extra inputs are not permitted")]


def test_an_offence_date_in_the_future_is_refused():
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert refusal({"offence.offence_date": tomorrow}) == [
        (("offence", "offence_date"), "Value error, must be today or in the past"),
    ]


def test_an_offence_today_is_accepted():
    assert submission({"offence.offence_date": date.today().isoformat()}).offence.offence_date == date.today()


# -- hostile input: text PostgreSQL cannot store, booleans that are not, implausible dates ----------
@pytest.mark.parametrize("bad", ["\x00", "Alex\x00Morgan", "\ud800", "Alex\udfff"])
@pytest.mark.parametrize("field", ["victim.name", "hopes", "offence.area", "victim.email", "referrer.organisation",
                                   "victim.address", "offence.crime_reference", "victim.postcode", "victim.phone"])
def test_text_postgresql_cannot_store_is_refused_naming_the_field(field, bad):
    [(location, message)] = refusal({field: bad})
    assert location == tuple(field.split("."))
    assert "NUL" in message or "lone surrogate" in message


@pytest.mark.parametrize("fake", ["yes", "true", "True", 1, 0, "no", "false"])
@pytest.mark.parametrize("field", ["victim_aware_of_referral", "offender.known_to_victim",
                                   "victim.contact_preferences.may_leave_message",
                                   "victim.contact_preferences.interpreter_needed"])
def test_a_yes_or_no_must_be_a_json_boolean(field, fake):
    [(location, message)] = refusal({field: fake})
    assert location == tuple(field.split("."))
    assert message == "must be true or false (a JSON boolean, not text or a number)"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("offence.offence_date", "1899-12-31", "Value error, must be on or after 1900-01-01"),
    ("victim.date_of_birth", "1850-06-01", "Value error, must be on or after 1900-01-01"),
    ("offender.date_of_birth", (date.today() + timedelta(days=1)).isoformat(),
     "Value error, must be today or in the past"),
    ("offence.offence_date", 1700000000, "must be a date written as YYYY-MM-DD"),
    ("victim.date_of_birth", 19840302.0, "must be a date written as YYYY-MM-DD"),
])
def test_implausible_dates_are_refused(field, value, message):
    assert refusal({field: value}) == [(tuple(field.split(".")), message)]


def test_the_earliest_date_is_accepted_and_the_bounds_are_in_the_schema():
    assert submission({"offence.offence_date": "1900-01-01"}).offence.offence_date == date(1900, 1, 1)
    schema = ReferralSubmission.model_json_schema()["$defs"]["OffenceIn"]["properties"]["offence_date"]
    [given, _none] = schema["anyOf"]
    assert given["formatMinimum"] == "1900-01-01" and "not after today" in given["description"]

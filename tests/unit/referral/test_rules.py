"""The referral rules on plain data: given events, a command, and the events decided or the rule's error."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid5

import pytest

from services.referral.domain.commands import ChangeCustody, DeferSentence, RecordSentence, WithdrawReferral
from services.referral.domain.decide import (
    MAX_DEFERRAL_DAYS,
    decide_receive,
    decide_update,
    ensure_deferral_in_range,
    received,
)
from services.referral.domain.errors import (
    AlreadyReceived,
    DeferralOutOfRange,
    ReferralWithdrawn,
    SelfReferralNotByAgency,
    UnknownReferral,
)
from services.referral.domain.state import REFERRAL, ReferralState, evolve, referral_stream
from shared.contracts import referral as events
from tests.unit.referral.examples import AGENCY, OTHER_AGENCY, REMOVE, SELF_REFERRAL, submission
from tests.unit.referral.fakes import NOW

REFERRAL_ID = UUID("7f0c6a52-1f49-4a47-9d0e-3c2b8f1d6a01")
TODAY = NOW.date()
SENTENCED_ON = date(2026, 9, 30)


def a_received(referral_id: UUID = REFERRAL_ID, agency_id: str | None = AGENCY,
               reference: str = "REF-2026-000001") -> events.ReferralReceived:
    return received(submission(), referral_id=referral_id, reference=reference, agency_id=agency_id,
                    possible_duplicate_of=None, received_at=NOW)


def given(*history) -> ReferralState:
    return REFERRAL.fold(history)


def receive(state: ReferralState, agency_id: str | None = AGENCY, changes: dict | None = None):
    return decide_receive(submission(changes), state, referral_id=REFERRAL_ID, reference="REF-2026-000002",
                          agency_id=agency_id, possible_duplicate_of=None, received_at=NOW)


def withdraw() -> WithdrawReferral:
    return WithdrawReferral(referral_id=REFERRAL_ID, reason="victim moved away")


def custody() -> ChangeCustody:
    return ChangeCustody(referral_id=REFERRAL_ID, custody_status="in_custody", establishment="HMP Bullingdon",
                         effective_date=date(2026, 9, 20))


def defer(days_ahead: int = 90) -> DeferSentence:
    return DeferSentence(referral_id=REFERRAL_ID, court="Aylesbury Crown Court",
                         deferred_until=TODAY + timedelta(days=days_ahead))


def sentence() -> RecordSentence:
    return RecordSentence(referral_id=REFERRAL_ID, court="Aylesbury Crown Court", sentenced_on=SENTENCED_ON,
                          outcome="community order")


UPDATES = [withdraw, custody, defer, sentence]


# -- receiving -----------------------------------------------------------------------------------

def test_a_new_referral_is_received_as_one_referral_received_event():
    [event] = receive(ReferralState())
    assert isinstance(event, events.ReferralReceived)
    assert (event.referral_id, event.reference, event.agency_id, event.source) == (
        REFERRAL_ID, "REF-2026-000002", AGENCY, "police")
    assert (event.received_at, event.possible_duplicate_of) == (NOW, None)
    assert event.victim.name == "Alex Morgan"
    assert event.referrer is not None and event.referrer.organisation == "Thames Valley Police"


def test_a_referral_is_received_only_once():
    with pytest.raises(AlreadyReceived, match="REF-2026-000001 has already been received"):
        receive(given(a_received()))


def test_an_agency_may_not_send_a_self_referral():
    with pytest.raises(SelfReferralNotByAgency) as refused:
        receive(ReferralState(), agency_id=AGENCY, changes=SELF_REFERRAL)
    assert refused.value.field == "source"


def test_a_self_referral_by_an_agency_is_refused_even_into_a_stream_already_received():
    with pytest.raises(SelfReferralNotByAgency):
        receive(given(a_received()), agency_id=AGENCY, changes=SELF_REFERRAL)


def test_a_victim_may_refer_themselves_without_an_agency():
    [event] = receive(ReferralState(), agency_id=None, changes=SELF_REFERRAL)
    assert (event.source, event.agency_id, event.referrer) == ("self", None, None)


def test_received_derives_the_victims_and_offenders_subject_ids_from_the_referral_id():
    event = a_received()
    assert event.victim.subject_id == uuid5(REFERRAL_ID, "victim")
    assert event.offender is not None
    assert event.offender.subject_id == uuid5(REFERRAL_ID, "offender")
    assert event.victim.subject_id != event.offender.subject_id


def test_received_keeps_the_possible_duplicate_it_was_given():
    earlier = UUID("00000000-0000-4000-8000-000000000001")
    event = received(submission(), referral_id=REFERRAL_ID, reference="REF-2026-000003", agency_id=AGENCY,
                     possible_duplicate_of=earlier, received_at=NOW)
    assert event.possible_duplicate_of == earlier


def test_received_carries_the_victims_contact_preferences():
    preferences = a_received().victim.contact_preferences
    assert preferences.channels == ("email", "phone")
    assert (preferences.safe_times, preferences.may_leave_message) == ("weekdays after 6pm", False)


def test_a_victim_without_contact_preferences_is_received_with_no_channel():
    event = received(submission({"victim.email": REMOVE, "victim.phone": REMOVE,
                                 "victim.contact_preferences": REMOVE}),
                     referral_id=REFERRAL_ID, reference="REF-2026-000004", agency_id=AGENCY,
                     possible_duplicate_of=None, received_at=NOW)
    assert event.victim.contact_preferences.channels == ()


def test_a_referral_without_an_offender_is_received_without_one():
    event = received(submission({"offender": REMOVE}), referral_id=REFERRAL_ID, reference="REF-2026-000005",
                     agency_id=AGENCY, possible_duplicate_of=None, received_at=NOW)
    assert event.offender is None


# -- updating ------------------------------------------------------------------------------------

@pytest.mark.parametrize("update", UPDATES)
def test_an_agency_cannot_update_a_referral_another_agency_made(update):
    with pytest.raises(UnknownReferral, match="no referral with that id was made by your agency"):
        decide_update(update(), given(a_received(agency_id=AGENCY)), OTHER_AGENCY, TODAY)


@pytest.mark.parametrize("update", UPDATES)
def test_an_agency_cannot_update_a_referral_never_received(update):
    with pytest.raises(UnknownReferral):
        decide_update(update(), ReferralState(), AGENCY, TODAY)


def test_an_update_made_by_no_agency_of_a_referral_never_received_is_refused():
    with pytest.raises(UnknownReferral):
        decide_update(custody(), ReferralState(), None, TODAY)


def test_an_agency_cannot_update_a_victims_own_referral():
    with pytest.raises(UnknownReferral):
        decide_update(custody(), given(a_received(agency_id=None)), AGENCY, TODAY)


@pytest.mark.parametrize("update", UPDATES)
def test_a_withdrawn_referral_takes_no_further_updates(update):
    history = given(a_received(), events.ReferralWithdrawn(referral_id=REFERRAL_ID, withdrawn_by="referrer"))
    with pytest.raises(ReferralWithdrawn, match="REF-2026-000001 was withdrawn"):
        decide_update(update(), history, AGENCY, TODAY)


def test_another_agency_learns_nothing_of_a_withdrawal():
    history = given(a_received(), events.ReferralWithdrawn(referral_id=REFERRAL_ID, withdrawn_by="referrer"))
    with pytest.raises(UnknownReferral):
        decide_update(custody(), history, OTHER_AGENCY, TODAY)


def test_a_withdrawal_becomes_referral_withdrawn_by_the_referrer():
    assert decide_update(withdraw(), given(a_received()), AGENCY, TODAY) == [
        events.ReferralWithdrawn(referral_id=REFERRAL_ID, withdrawn_by="referrer", reason="victim moved away",
                                 victim_subject_id=uuid5(REFERRAL_ID, "victim")),
    ]


def test_a_custody_change_becomes_offender_custody_changed_about_the_referrals_offender():
    assert decide_update(custody(), given(a_received()), AGENCY, TODAY) == [
        events.OffenderCustodyChanged(
            referral_id=REFERRAL_ID, effective_date=date(2026, 9, 20),
            offender=events.Offender(subject_id=uuid5(REFERRAL_ID, "offender"), custody_status="in_custody",
                                     establishment="HMP Bullingdon")),
    ]


def test_a_deferral_becomes_sentence_deferred():
    assert decide_update(defer(90), given(a_received()), AGENCY, TODAY) == [
        events.SentenceDeferred(referral_id=REFERRAL_ID, court="Aylesbury Crown Court",
                                deferred_until=date(2026, 12, 30)),
    ]


def test_a_sentence_becomes_sentence_recorded():
    assert decide_update(sentence(), given(a_received()), AGENCY, TODAY) == [
        events.SentenceRecorded(referral_id=REFERRAL_ID, court="Aylesbury Crown Court", sentenced_on=SENTENCED_ON,
                                outcome="community order", offender_subject_id=uuid5(REFERRAL_ID, "offender")),
    ]


def test_updates_after_a_custody_change_or_sentence_are_still_taken():
    history = given(a_received(), *decide_update(custody(), given(a_received()), AGENCY, TODAY),
                    *decide_update(sentence(), given(a_received()), AGENCY, TODAY))
    [event] = decide_update(withdraw(), history, AGENCY, TODAY)
    assert isinstance(event, events.ReferralWithdrawn)


# -- deferral range ------------------------------------------------------------------------------

@pytest.mark.parametrize(("days_ahead", "message"), [
    (-1, "must be after today"),
    (0, "must be after today"),
    (MAX_DEFERRAL_DAYS + 1, "must be at most six months ahead"),
    (365, "must be at most six months ahead"),
])
def test_a_deferral_must_be_after_today_and_at_most_six_months_ahead(days_ahead, message):
    with pytest.raises(DeferralOutOfRange, match=message) as refused:
        decide_update(defer(days_ahead), given(a_received()), AGENCY, TODAY)
    assert refused.value.field == "deferred_until"


@pytest.mark.parametrize("days_ahead", [1, 100, MAX_DEFERRAL_DAYS])
def test_a_deferral_from_tomorrow_to_six_months_ahead_is_taken(days_ahead):
    [event] = decide_update(defer(days_ahead), given(a_received()), AGENCY, TODAY)
    assert event.deferred_until == TODAY + timedelta(days=days_ahead)


def test_six_months_is_186_days():
    assert MAX_DEFERRAL_DAYS == 186
    ensure_deferral_in_range(TODAY + timedelta(days=186), TODAY)
    with pytest.raises(DeferralOutOfRange):
        ensure_deferral_in_range(TODAY + timedelta(days=187), TODAY)


# -- folding -------------------------------------------------------------------------------------

def test_a_referral_never_received_is_not_received():
    assert not ReferralState().received
    assert REFERRAL.fold([]) == ReferralState()


def test_a_received_referral_is_known_by_its_id_reference_and_agency():
    assert given(a_received()) == ReferralState(referral_id=REFERRAL_ID, reference="REF-2026-000001",
                                                agency_id=AGENCY, withdrawn=False)
    assert given(a_received()).received


def test_a_withdrawal_marks_the_referral_withdrawn():
    state = evolve(given(a_received()), events.ReferralWithdrawn(referral_id=REFERRAL_ID, withdrawn_by="victim"))
    assert state.withdrawn
    assert state.reference == "REF-2026-000001"


@pytest.mark.parametrize("event", [
    events.ReferralAcknowledged(referral_id=REFERRAL_ID, channel="email"),
    events.SentenceDeferred(referral_id=REFERRAL_ID, court="Aylesbury Crown Court", deferred_until=date(2027, 1, 1)),
    events.SentenceRecorded(referral_id=REFERRAL_ID, court="Aylesbury Crown Court", sentenced_on=SENTENCED_ON,
                            outcome="fine"),
    events.OffenderCustodyChanged(referral_id=REFERRAL_ID, effective_date=SENTENCED_ON,
                                  offender=events.Offender(subject_id=uuid5(REFERRAL_ID, "offender"))),
])
def test_events_the_rules_do_not_need_change_nothing(event):
    before = given(a_received())
    assert evolve(before, event) == before


def test_a_referrals_events_are_recorded_in_its_own_stream():
    assert referral_stream(REFERRAL_ID) == "referral-7f0c6a52-1f49-4a47-9d0e-3c2b8f1d6a01"

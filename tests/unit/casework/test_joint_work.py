"""Nothing joint without both consents, both risk assessments and, when sensitive, a sign-off and
an advanced-level lead; a withdrawal of consent stops it at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.casework.domain import commands as c
from services.casework.domain.errors import AlreadySettled, JointWorkNotReady
from shared.contracts import casework as e
from tests.unit.casework.examples import (
    ADVANCED,
    CASE_ID,
    CONFERENCE,
    FOUNDATION,
    NOW,
    SUPERVISOR,
    allocated,
    assessed,
    consent,
    given,
    ready_for_joint_work,
    run,
    scheduled,
)

SCHEDULE = c.ScheduleConference(at=NOW + timedelta(days=7), venue="Aylesbury police station",
                                participants=("victim", "offender"))
HOLD = c.HoldConference(conference_id=CONFERENCE, held_at=NOW)
MESSAGE = c.DeliverShuttleMessage(direction="offender_to_victim", medium="written", summary="I am sorry.")


@pytest.mark.parametrize(("leave_out", "named"), [
    (2, "the victim's written consent"), (3, "the offender's written consent"),
    (4, "a risk assessment of the victim"), (5, "a risk assessment of the offender")])
def test_a_conference_needs_both_consents_and_both_risk_assessments(leave_out, named):
    history = ready_for_joint_work()
    del history[leave_out]
    with pytest.raises(JointWorkNotReady, match=named):
        run(history, SCHEDULE)


def test_a_conference_needs_written_consent_where_a_message_does_not():
    history = ready_for_joint_work(form="verbal")
    with pytest.raises(JointWorkNotReady, match="written consent"):
        run(history, SCHEDULE)
    assert run(history, MESSAGE)


def test_every_missing_condition_is_named_at_once():
    with pytest.raises(JointWorkNotReady) as refused:
        run([*allocated(), e.SuitabilityDecided(case_id=CASE_ID, suitable=True)], MESSAGE)
    assert refused.value.detail.count(";") == 3


def test_a_sensitive_case_needs_sign_off_before_joint_work():
    history = ready_for_joint_work(sensitive=True)[:-2]  # requested, not granted
    with pytest.raises(JointWorkNotReady, match="sign-off"):
        run(history, SCHEDULE)
    assert run(ready_for_joint_work(sensitive=True), SCHEDULE)


def test_a_sensitive_case_needs_an_advanced_lead_before_joint_work_even_when_flagged_late():
    history = [*ready_for_joint_work(FOUNDATION), e.CaseFlaggedSensitive(case_id=CASE_ID, reasons=("hate_crime",)),
               e.SignOffRequested(case_id=CASE_ID, requested_by=FOUNDATION.username),
               e.SignOffGranted(case_id=CASE_ID, supervisor=SUPERVISOR.username)]
    with pytest.raises(JointWorkNotReady, match="advanced-level lead"):
        run(history, MESSAGE, by=FOUNDATION)


def test_a_scheduled_conference_is_held_with_everything_still_standing():
    [held] = run(scheduled(), HOLD)
    assert held == e.ConferenceHeld(case_id=CASE_ID, conference_id=CONFERENCE, held_at=NOW)
    assert given([*scheduled(), held]).conferences[CONFERENCE] == "held"


def test_withdrawing_consent_cancels_scheduled_conferences_and_holds_letters_at_once():
    letter = e.LetterReceived(case_id=CASE_ID, subject_id=consent("victim", 9).consent_id, letter_id=CONFERENCE,
                              from_party="offender", content="Dear Alex")
    history = [*scheduled(), letter]
    events = run(history, c.WithdrawConsent(consent_id=consent("offender", 2).consent_id, reason="changed mind"))
    assert [type(x).__name__ for x in events] == ["ConsentWithdrawn", "ConferenceCancelled", "LetterHeld"]
    after = [*history, *events]
    with pytest.raises(AlreadySettled):
        run(after, HOLD)
    assert given(after).conferences[CONFERENCE] == "cancelled"
    assert given(after).letters[CONFERENCE].status == "held"


def test_a_withdrawal_covers_every_consent_of_that_person_to_take_part():
    history = [*ready_for_joint_work(), consent("victim", 7, form="verbal")]
    events = run(history, c.WithdrawConsent(consent_id=consent("victim", 1).consent_id))
    assert {x.consent_id for x in events if isinstance(x, e.ConsentWithdrawn)} == {
        consent("victim", 1).consent_id, consent("victim", 7).consent_id}
    with pytest.raises(JointWorkNotReady):
        run([*history, *events], MESSAGE)


def test_consent_to_share_information_is_withdrawn_on_its_own():
    sharing = consent("victim", 8, scope="information_sharing").model_copy(update={"agency": "Victim Support"})
    history = [*ready_for_joint_work(), sharing]
    events = run(history, c.WithdrawConsent(consent_id=sharing.consent_id))
    assert [type(x).__name__ for x in events] == ["ConsentWithdrawn"]
    assert run([*history, *events], MESSAGE)


def test_a_conference_cannot_be_held_twice_or_unknown():
    history = [*scheduled(), e.ConferenceHeld(case_id=CASE_ID, conference_id=CONFERENCE, held_at=NOW)]
    with pytest.raises(AlreadySettled):
        run(history, HOLD)
    with pytest.raises(Exception, match="no conference"):
        run(scheduled(), c.CancelConference(conference_id=CASE_ID, reason="x"))


def test_a_conference_is_scheduled_in_the_future():
    with pytest.raises(Exception, match="future"):
        run(ready_for_joint_work(), SCHEDULE.model_copy(update={"at": NOW - timedelta(hours=1)}))


def test_reassessment_keeps_the_party_assessed():
    history = [*allocated(), assessed("victim", 1)]
    [reviewed] = run(history, c.ReviewRiskAssessment(assessment_id=assessed("victim", 1).assessment_id, level="high",
                                                      review_date=NOW.date() + timedelta(days=7)))
    assert reviewed.subject_id == assessed("victim", 1).subject_id
    assert given([*history, reviewed]).assessed("victim")
    assert ADVANCED.username == given(history).lead.username


def test_no_joint_work_on_a_case_found_unsuitable_until_it_is_found_suitable_again():
    history = [*ready_for_joint_work(), e.SuitabilityDecided(case_id=CASE_ID, suitable=False, reason="risk")]
    with pytest.raises(JointWorkNotReady, match="unsuitable"):
        run(history, MESSAGE)
    assert run([*history, e.SuitabilityDecided(case_id=CASE_ID, suitable=True)], MESSAGE)


@pytest.mark.parametrize("declined", [e.VictimDeclined(case_id=CASE_ID), e.OffenderDeclined(case_id=CASE_ID)])
def test_a_party_who_declines_has_no_consent_standing_until_they_give_it_again(declined):
    party = "victim" if isinstance(declined, e.VictimDeclined) else "offender"
    history = [*ready_for_joint_work(), declined]
    with pytest.raises(JointWorkNotReady, match=f"the {party}'s consent"):
        run(history, MESSAGE)
    assert run([*history, consent(party, 9)], MESSAGE)

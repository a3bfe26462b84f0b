"""The states a case moves through, its side states, closure from anywhere, reopening and
duplicates; and what the UI may offer in each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.casework.domain import commands as c
from services.casework.domain.errors import CaseNotFound, NotADuplicate, NotNow, NotPermitted
from services.casework.domain.rules import available
from shared.contracts import casework as e
from tests.unit.casework.examples import (
    ADVANCED,
    AUDITOR,
    CASE_ID,
    CONFERENCE,
    REFERRAL_ID,
    SUPERVISOR,
    TODAY,
    allocated,
    given,
    opened,
    ready_for_joint_work,
    run,
    scheduled,
)


def test_the_case_moves_through_its_stages_in_order():
    assert given(opened()).stage == "referred"
    assert given([*opened(), e.CaseTriaged(case_id=CASE_ID)]).stage == "triaged"
    assert given(allocated()).stage == "contacting"
    assert given([*allocated(), e.VictimInterestConfirmed(case_id=CASE_ID)]).stage == "assessing"
    assert given(ready_for_joint_work()).stage == "preparing"
    assert given(scheduled()).stage == "delivering"


def test_a_stage_is_never_left_backwards_by_a_late_event():
    history = [*scheduled(), e.VictimInterestConfirmed(case_id=CASE_ID)]
    assert given(history).stage == "delivering"


def test_an_action_of_another_stage_is_refused_naming_the_stage():
    item = c.ReparationItemIn(kind="apology", description="An apology", due=TODAY + timedelta(days=7))
    with pytest.raises(NotNow, match="agree reparation is not possible while the case is preparing"):
        run(ready_for_joint_work(), c.AgreeReparation(items=(item,)))


def test_on_hold_pauses_the_work_but_not_safety():
    history = [*allocated(), e.CaseOnHold(case_id=CASE_ID, reason="victim in hospital")]
    assert given(history).status == "on_hold"
    with pytest.raises(NotNow, match="on hold"):
        run(history, c.GiveRJInformation(party="victim"))
    assert run(history, c.RaiseSafeguardingConcern(party="victim", concern="disclosed threats"))
    resumed = [*history, *run(history, c.Resume())]
    assert given(resumed).status == "contacting"


def test_a_case_closes_from_any_stage_cancelling_what_is_scheduled():
    events = run(scheduled(), c.CloseCase(reason="victim_withdrew_or_declined"))
    assert [type(x).__name__ for x in events] == ["ConferenceCancelled", "CaseClosed"]
    closed = [*scheduled(), *events]
    assert given(closed).closed and given(closed).conferences[CONFERENCE] == "cancelled"
    with pytest.raises(NotNow, match="closed"):
        run(closed, c.GiveRJInformation(party="victim"))


def test_a_supervisor_reopens_a_closed_case_where_it_was():
    closed = [*allocated(), e.CaseClosed(case_id=CASE_ID, reason="no_contact")]
    with pytest.raises(NotPermitted):
        run(closed, c.ReopenCase(reason="victim called back"))
    reopened = [*closed, *run(closed, c.ReopenCase(reason="victim called back"), by=SUPERVISOR)]
    assert given(reopened).stage == "contacting" and given(reopened).closed_reason is None


def test_a_possible_duplicate_is_merged_or_kept_apart_by_a_supervisor():
    earlier = CONFERENCE
    history = opened(duplicate_of=earlier)
    [merged] = run(history, c.MergeDuplicate(), by=SUPERVISOR)
    assert merged == e.CaseMerged(case_id=CASE_ID, into_case_id=earlier, referral_id=REFERRAL_ID)
    assert given([*history, merged]).closed_reason == "duplicate"
    with pytest.raises(Exception, match="merged"):
        run([*history, merged], c.ReopenCase(reason="x"), by=SUPERVISOR)
    [apart] = run(history, c.KeepApart(), by=SUPERVISOR)
    assert given([*history, apart]).possible_duplicate_of is None
    with pytest.raises(NotADuplicate):
        run(opened(), c.KeepApart(), by=SUPERVISOR)


def test_an_unopened_case_and_an_auditor_acting_are_refused():
    with pytest.raises(CaseNotFound):
        run([], c.TriageCase(), by=SUPERVISOR)
    with pytest.raises(NotPermitted):
        run(opened(), c.TriageCase(), by=AUDITOR)


def test_the_ui_is_offered_only_what_the_state_and_the_person_allow():
    offered = set(available(given(opened()), SUPERVISOR))
    assert {c.TriageCase, c.AllocateFacilitator, c.CloseCase} <= offered
    assert c.ScheduleConference not in offered and c.ReassignFacilitator not in offered
    facilitator = set(available(given(scheduled()), ADVANCED))
    assert {c.HoldConference, c.CancelConference, c.WithdrawConsent} <= facilitator
    assert c.AllocateFacilitator not in facilitator and c.GrantSignOff not in facilitator
    assert available(given(allocated()), AUDITOR) == []


def test_merging_a_duplicate_cancels_what_it_had_scheduled_as_closing_does():
    history = [*opened(duplicate_of=CASE_ID), *scheduled()[1:]]
    events = run(history, c.MergeDuplicate(), by=SUPERVISOR)
    assert [type(x).__name__ for x in events] == ["ConferenceCancelled", "CaseMerged"]
    assert given([*history, *events]).conferences[CONFERENCE] == "cancelled"


def test_a_closed_case_shows_closed_even_with_a_sign_off_request_left_open():
    history = [*allocated(sensitive=True), e.SignOffRequested(case_id=CASE_ID, requested_by=ADVANCED.username)]
    assert given(history).status == "awaiting_sign_off"
    closed = [*history, *run(history, c.CloseCase(reason="no_contact"))]
    assert given(closed).status == "closed"  # not in the supervisors' sign-off queue
    with pytest.raises(NotNow, match="while the case is closed"):
        run(closed, c.GiveRJInformation(party="victim"))

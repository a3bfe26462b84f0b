"""Who works a case: supervisors allocate, sensitive cases go to advanced-level facilitators and
need a sign-off from a supervisor who does not work them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.casework.domain import commands as c
from services.casework.domain.errors import (
    CaseNotFound,
    NotAFacilitator,
    NotNow,
    NotPermitted,
    SensitiveNeedsAdvancedFacilitator,
    SignOffNotNeeded,
    SignOffOwnCase,
)
from shared.contracts import casework as e
from tests.unit.casework.examples import (
    ADVANCED,
    AUDITOR,
    CASE_ID,
    FOUNDATION,
    OTHER_SUPERVISOR,
    SUPERVISOR,
    TODAY,
    allocated,
    given,
    opened,
    run,
)


def test_a_supervisor_allocates_a_lead_and_a_co_facilitator():
    [event] = run(opened(), c.AllocateFacilitator(facilitator=FOUNDATION.username, co_facilitator=ADVANCED.username),
                  by=SUPERVISOR)
    assert event == e.FacilitatorAllocated(case_id=CASE_ID, facilitator=FOUNDATION.username, level="foundation",
                                           co_facilitator=ADVANCED.username, co_level="advanced",
                                           allocated_by=SUPERVISOR.username)
    assert given([*opened(), event]).stage == "contacting"


def test_a_facilitator_cannot_allocate():
    with pytest.raises(NotPermitted, match="supervisor"):
        run(opened(), c.AllocateFacilitator(facilitator=ADVANCED.username), by=ADVANCED)


def test_a_sensitive_case_goes_only_to_an_advanced_level_lead():
    with pytest.raises(SensitiveNeedsAdvancedFacilitator) as refused:
        run(opened(sensitive=True), c.AllocateFacilitator(facilitator=FOUNDATION.username), by=SUPERVISOR)
    assert refused.value.field == "facilitator"
    assert run(opened(sensitive=True), c.AllocateFacilitator(facilitator=ADVANCED.username), by=SUPERVISOR)


@pytest.mark.parametrize("name", ["nobody.known", AUDITOR.username])
def test_only_a_known_practitioner_can_be_allocated(name):
    with pytest.raises(NotAFacilitator):
        run(opened(), c.AllocateFacilitator(facilitator=name), by=SUPERVISOR)


def test_the_co_facilitator_is_someone_else():
    with pytest.raises(NotAFacilitator):
        run(opened(), c.AllocateFacilitator(facilitator=ADVANCED.username, co_facilitator=ADVANCED.username),
            by=SUPERVISOR)


def test_an_allocated_case_is_reassigned_not_allocated_again():
    with pytest.raises(NotNow):
        run(allocated(), c.AllocateFacilitator(facilitator=FOUNDATION.username), by=SUPERVISOR)
    [event] = run(allocated(), c.ReassignFacilitator(facilitator=FOUNDATION.username, reason="leave"), by=SUPERVISOR)
    assert given([*allocated(), event]).lead.username == FOUNDATION.username


def test_a_facilitator_not_on_the_case_finds_no_case():
    with pytest.raises(CaseNotFound):
        run(allocated(ADVANCED), c.GiveRJInformation(party="victim"), by=FOUNDATION)


def test_sign_off_is_for_sensitive_cases():
    with pytest.raises(SignOffNotNeeded):
        run(allocated(), c.RequestSignOff())


def test_sign_off_is_requested_then_granted_by_a_supervisor_not_on_the_case():
    history = allocated(ADVANCED, sensitive=True)
    [requested] = run(history, c.RequestSignOff(note="ready"))
    assert given([*history, requested]).status == "awaiting_sign_off"
    history.append(requested)
    with pytest.raises(NotPermitted):
        run(history, c.GrantSignOff(), by=ADVANCED)
    [granted] = run(history, c.GrantSignOff(), by=OTHER_SUPERVISOR)
    assert given([*history, granted]).sign_off == "granted"


def test_a_supervisor_who_works_the_case_cannot_sign_it_off():
    history = [*allocated(SUPERVISOR, sensitive=True), e.SignOffRequested(case_id=CASE_ID, requested_by="x")]
    with pytest.raises(SignOffOwnCase):
        run(history, c.GrantSignOff(), by=SUPERVISOR)


def test_nothing_to_grant_without_a_request_and_a_refusal_can_be_asked_again():
    with pytest.raises(NotNow):
        run(allocated(sensitive=True), c.GrantSignOff(), by=OTHER_SUPERVISOR)
    history = [*allocated(sensitive=True), e.SignOffRequested(case_id=CASE_ID, requested_by="x")]
    [refused] = run(history, c.RefuseSignOff(reason="risk plan thin"), by=OTHER_SUPERVISOR)
    assert run([*history, refused], c.RequestSignOff())


def test_flagging_sensitive_later_needs_a_new_sign_off():
    history = [*allocated(), e.CaseFlaggedSensitive(case_id=CASE_ID, reasons=("hate_crime",))]
    assert given(history).sign_off == "none"
    with pytest.raises(NotNow):
        run(history, c.FlagSensitive(reasons=("hate_crime",)))


@pytest.mark.parametrize("aside", [e.CaseClosed(case_id=CASE_ID, reason="no_contact"),
                                   e.CaseOnHold(case_id=CASE_ID, reason="victim in hospital"),
                                   e.SignOffRequested(case_id=CASE_ID, requested_by=ADVANCED.username)])
def test_a_facilitator_not_on_the_case_learns_nothing_of_its_state(aside):
    history = [*allocated(ADVANCED, sensitive=True), aside]
    with pytest.raises(CaseNotFound):
        run(history, c.RecordOffenderApproached(), by=FOUNDATION)
    with pytest.raises(CaseNotFound):
        run(history, c.AgreeReparation(items=(c.ReparationItemIn(kind="apology", description="Sorry",
                                                                  due=TODAY + timedelta(days=7)),)), by=FOUNDATION)


def test_sign_off_is_not_offered_to_a_supervisor_who_works_the_case():
    from services.casework.domain.rules import available

    history = [*allocated(ADVANCED, sensitive=True), e.SignOffRequested(case_id=CASE_ID, requested_by="x"),
               e.FacilitatorReassigned(case_id=CASE_ID, facilitator=ADVANCED.username, level="advanced",
                                       co_facilitator=SUPERVISOR.username, co_level="advanced",
                                       reassigned_by=SUPERVISOR.username, reason="co-work")]
    assert c.GrantSignOff not in available(given(history), SUPERVISOR)
    assert c.GrantSignOff in available(given(history), OTHER_SUPERVISOR)

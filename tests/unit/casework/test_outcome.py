"""Reparation tracked until each item is completed or missed; court reports only with consent;
consents kept apart by purpose."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.casework.domain import commands as c
from services.casework.domain.errors import (
    AlreadySettled,
    ConsentScopeInvalid,
    DateOutOfRange,
    NoConsentForCourtReport,
    UnknownItem,
)
from shared.contracts import casework as e
from tests.unit.casework.examples import CASE_ID, CONFERENCE, NOW, TODAY, consent, given, run, scheduled

ITEMS = (c.ReparationItemIn(kind="apology", description="A written apology", due=TODAY + timedelta(days=14)),
         c.ReparationItemIn(kind="direct_reparation", description="Repaint the fence", due=TODAY + timedelta(days=30)))


def delivered() -> list:
    return [*scheduled(), e.ConferenceHeld(case_id=CASE_ID, conference_id=CONFERENCE, held_at=NOW)]


def agreed() -> list:
    history = delivered()
    return history + run(history, c.AgreeReparation(items=ITEMS))


def test_an_agreement_records_each_item_pending_and_the_case_is_monitored():
    history = agreed()
    state = given(history)
    assert state.stage == "monitoring" and len(state.pending_items()) == 2
    assert all(item.description for item in history[-1].items)


def test_items_are_tracked_until_each_is_completed_or_missed_then_follow_up():
    history = agreed()
    first, second = given(history).pending_items()
    history += run(history, c.CompleteReparationItem(item_id=first, on=TODAY))
    assert given(history).stage == "monitoring"
    history += run(history, c.MissReparationItem(item_id=second, on=TODAY))
    assert given(history).stage == "follow_up"
    assert dict(given(history).reparation) == {first: "completed", second: "missed"}


def test_a_settled_or_unknown_item_is_refused():
    history = agreed()
    first, _ = given(history).pending_items()
    history += run(history, c.CompleteReparationItem(item_id=first, on=TODAY))
    with pytest.raises(AlreadySettled):
        run(history, c.MissReparationItem(item_id=first, on=TODAY))
    with pytest.raises(UnknownItem):
        run(history, c.CompleteReparationItem(item_id=CASE_ID, on=TODAY))


def test_an_item_is_due_after_today_and_completed_no_later_than_today():
    with pytest.raises(DateOutOfRange) as refused:
        run(delivered(), c.AgreeReparation(items=(ITEMS[0].model_copy(update={"due": TODAY}),)))
    assert refused.value.field == "items.0.due"
    history = agreed()
    with pytest.raises(DateOutOfRange):
        run(history, c.CompleteReparationItem(item_id=given(history).pending_items()[0], on=TODAY + timedelta(1)))


def test_information_sharing_names_its_agency_and_other_consents_do_not():
    with pytest.raises(ConsentScopeInvalid):
        run(scheduled(), c.GiveConsent(party="victim", scope="information_sharing", form="written"))
    with pytest.raises(ConsentScopeInvalid):
        run(scheduled(), c.GiveConsent(party="victim", scope="participation", agency="Police", form="written"))
    [given_] = run(scheduled(), c.GiveConsent(party="victim", scope="information_sharing", agency="Victim Support",
                                              form="verbal"))
    assert given_.agency == "Victim Support"


def test_the_same_consent_twice_is_refused():
    with pytest.raises(AlreadySettled):
        run(scheduled(), c.GiveConsent(party="victim", scope="participation", form="written"))


def test_a_court_report_needs_both_parties_consent_to_it():
    report = c.SubmitCourtReport(court="Aylesbury Crown Court", submitted_on=TODAY)
    with pytest.raises(NoConsentForCourtReport, match="victim and the offender"):
        run(scheduled(), report)  # consent to take part is not consent to a court report
    history = [*scheduled(), consent("victim", 11, scope="court_report"), consent("offender", 12, scope="court_report")]
    assert run(history, report)

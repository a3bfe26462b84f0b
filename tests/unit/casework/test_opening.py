"""A referral opens one case: its reference, sensitivity from the offence and ages, its deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.casework.domain.commands import NotePartnerUpdate, OpenCase
from services.casework.domain.deadlines import first_contact_due, working_days_left
from services.casework.domain.decide import decide_opening, decide_partner_update
from services.casework.domain.errors import CaseAlreadyOpen, CaseNotFound
from shared.contracts import casework as e
from tests.unit.casework.examples import CASE_ID, NOW, OFFENDER, REFERRAL_ID, VICTIM, given, opened


def opening(offence_type: str = "burglary", victim_born: date | None = None,
            offender_born: date | None = None, received_at: datetime = NOW) -> OpenCase:
    return OpenCase(case_id=CASE_ID, referral_id=REFERRAL_ID, reference="RJ-2026-000001",
                    referral_reference="REF-2026-000001", received_at=received_at, source="police",
                    offence_type=offence_type, area="Buckinghamshire", criminal_justice_stage="post_sentence",
                    initiated_by="victim", victim={"subject_id": VICTIM, "name": "Alex Morgan"},
                    offender={"subject_id": OFFENDER, "name": "Sam Taylor"}, victim_date_of_birth=victim_born,
                    offender_date_of_birth=offender_born, possible_duplicate_of=None)


def test_a_referral_opens_a_case_with_its_first_contact_deadline():
    [event] = decide_opening(opening(), given([]))
    assert isinstance(event, e.CaseOpened)
    assert (event.case_id, event.reference, event.first_contact_due) == (CASE_ID, "RJ-2026-000001", date(2026, 10, 5))
    assert event.victim.name == "Alex Morgan" and event.offender.subject_id == OFFENDER


def test_a_case_is_opened_once():
    with pytest.raises(CaseAlreadyOpen):
        decide_opening(opening(), given(opened()))


@pytest.mark.parametrize(("offence", "reason"), [
    ("sexual_offence", "sexual_offence"), ("homicide", "homicide"), ("harassment_or_stalking", "stalking")])
def test_a_sensitive_offence_flags_the_case_at_once(offence, reason):
    _, flagged = decide_opening(opening(offence), given([]))
    assert flagged == e.CaseFlaggedSensitive(case_id=CASE_ID, reasons=(reason,))


def test_a_child_victim_or_offender_makes_the_case_sensitive():
    *_, flagged = decide_opening(opening(victim_born=date(2010, 10, 2), offender_born=date(2008, 10, 1)), given([]))
    assert flagged.reasons == ("child_victim",)  # the offender turned 18 that very day
    assert len(decide_opening(opening(victim_born=date(2008, 10, 1)), given([]))) == 1


def test_the_first_contact_deadline_skips_weekends_and_englands_bank_holidays():
    # Thursday 24 December 2026: Christmas (Fri), the weekend, Boxing Day's substitute (Mon 28) do not count.
    assert first_contact_due(datetime(2026, 12, 24, 10, 0, tzinfo=UTC)) == date(2026, 12, 30)
    assert first_contact_due(datetime(2026, 10, 2, 16, 0, tzinfo=UTC)) == date(2026, 10, 6)  # a Friday


def test_working_days_left_count_down_to_the_deadline_and_below():
    assert working_days_left(date(2026, 12, 30), date(2026, 12, 24)) == 2
    assert working_days_left(date(2026, 10, 5), date(2026, 10, 5)) == 0
    assert working_days_left(date(2026, 10, 5), date(2026, 10, 7)) == -2


def test_partner_news_lands_on_an_open_case_and_not_before_it_opens():
    update = NotePartnerUpdate("sentenced", "community order", OFFENDER)
    [noted] = decide_partner_update(update, given(opened()))
    assert (noted.kind, noted.detail, noted.subject_id) == ("sentenced", "community order", OFFENDER)
    with pytest.raises(CaseNotFound):
        decide_partner_update(update, given([]))

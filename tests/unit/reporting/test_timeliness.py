"""Timeliness in working days: England's bank holidays and weekends do not count."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from services.reporting.domain.timeliness import median, percentile_90, timeliness, working_days
from tests.unit.reporting.scenario import at, case


def test_christmas_and_boxing_day_do_not_count():
    # Wed 24 Dec 2025; Thu 25 and Fri 26 are bank holidays, then a weekend: Mon 29 is the first working day.
    received = at(2025, 12, 24, 10)
    assert working_days(received, at(2025, 12, 29, 9)) == 1
    assert working_days(received, at(2025, 12, 30, 16)) == 2
    assert working_days(received, at(2025, 12, 24, 17)) == 0
    assert working_days(received, date(2026, 1, 2)) == 4  # 29, 30, 31 Dec; Thu 1 Jan 2026 is a holiday; Fri 2


def test_the_august_bank_holiday_does_not_count():
    # Fri 22 Aug 2025; Mon 25 Aug is the summer bank holiday.
    assert working_days(at(2025, 8, 22, 15), at(2025, 8, 26, 10)) == 1
    assert working_days(at(2025, 8, 22, 15), at(2025, 8, 28, 10)) == 3


def test_each_step_is_measured_over_the_cases_that_reached_it():
    facts = [
        # Christmas: acknowledged in 1 working day, contact attempted in 2 (within the target).
        case(at(2025, 12, 24, 10), acknowledged_at=at(2025, 12, 29, 9), first_contact_attempt_at=at(2025, 12, 30, 9)),
        # August bank holiday: acknowledged in 1, contact attempted in 3 (late).
        case(at(2025, 8, 22, 15), acknowledged_at=at(2025, 8, 26, 10), first_contact_attempt_at=at(2025, 8, 28, 10)),
        # An ordinary week: Monday → Monday, Wednesday.
        case(at(2026, 3, 2, 9), acknowledged_at=at(2026, 3, 2, 15), first_contact_attempt_at=at(2026, 3, 4, 9),
             first_preparation_on=date(2026, 3, 16), closed_at=at(2026, 3, 20, 12)),
        # Withdrawn before anyone acknowledged it: only closure is measured.
        case(at(2026, 3, 3, 9), withdrawn_at=at(2026, 3, 3, 12), closed_at=at(2026, 3, 5, 12),
             closure_reason="victim_withdrew_or_declined"),
    ]
    found = {t.step.key: t for t in timeliness(facts)}
    ack, contact = found["acknowledgement"], found["first_contact_attempt"]
    assert ack.days == (1, 1, 0) and (ack.median, ack.percentile_90, ack.within_target) == (1.0, 1.0, 3)
    assert contact.days == (2, 3, 2) and (contact.median, contact.percentile_90, contact.within_target) == (2.0, 3.0, 2)
    assert found["first_preparation_meeting"].days == (10,)
    assert found["closure"].days == (14, 2)
    assert found["delivery"].days == () and found["delivery"].median is None


def test_median_and_nearest_rank_90th_percentile():
    values = [0, 1, 1, 2, 3, 5, 8, 10, 12, 20]
    assert median(values) == 4.0
    assert percentile_90(values) == 12.0
    assert percentile_90([7]) == 7.0 and median([]) is None and percentile_90([]) is None


@given(st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=200))
def test_the_90th_percentile_is_a_value_at_least_nine_tenths_are_at_or_under(values):
    p90, middle = percentile_90(values), median(values)
    assert p90 in values
    assert sum(1 for v in values if v <= p90) >= 0.9 * len(values)
    assert sum(1 for v in values if v < p90) < 0.9 * len(values)
    assert min(values) <= middle <= p90 <= max(values)
    assert sum(1 for v in values if v <= middle) >= len(values) / 2 <= sum(1 for v in values if v >= middle)

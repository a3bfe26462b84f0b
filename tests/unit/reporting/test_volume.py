"""Volume: referrals by each dimension, per month and for the quarter, by the London date received."""

from __future__ import annotations

from datetime import UTC, datetime

from services.reporting.domain.volume import volume
from shared.periods import Quarter
from tests.unit.reporting.scenario import at, case

Q3 = Quarter.parse("2026-Q3")


def test_referrals_are_counted_by_source_per_month_and_for_the_quarter():
    facts = [
        case(at(2026, 7, 2, 10), source="police"),
        case(at(2026, 7, 20, 10), source="police"),
        case(at(2026, 8, 5, 10), source="self"),
        case(at(2026, 9, 29, 10), source="police"),
        case(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), source="court"),  # 00:30 on 1 July in London: Q3
        case(datetime(2026, 9, 30, 23, 30, tzinfo=UTC), source="court"),  # 00:30 on 1 October in London: Q4
        case(at(2026, 6, 15, 10), source="police"),  # Q2
        case(None, source="police"),  # a case event ahead of its referral: no date yet, not counted
    ]
    table = volume(facts, "source", Q3)
    assert [(r.value, r.by_month, r.quarter) for r in table.rows] == [
        ("police", (2, 0, 1), 3), ("court", (1, 0, 0), 1), ("self", (0, 1, 0), 1)]
    assert (table.total.by_month, table.total.quarter) == ((3, 1, 1), 5)


def test_every_dimension_counts_and_a_missing_value_is_shown_as_not_given():
    facts = [case(at(2026, 7, 2, 10), initiated_by="offender"), case(at(2026, 7, 3, 10), initiated_by=None)]
    assert [(r.value, r.quarter) for r in volume(facts, "initiated_by", Q3).rows] == [
        ("not given", 1), ("offender", 1)]
    assert [(r.value, r.quarter) for r in volume(facts, "area", Q3).rows] == [("Buckinghamshire", 2)]

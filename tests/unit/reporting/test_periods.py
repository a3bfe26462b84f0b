"""Calendar quarters, parsed and bounded in London dates."""

from __future__ import annotations

from datetime import date

import pytest

from shared.periods import Quarter


def test_a_quarter_is_parsed_and_knows_its_months():
    q3 = Quarter.parse("2026-Q3")
    assert (q3.start, q3.end, q3.label) == (date(2026, 7, 1), date(2026, 10, 1), "July to September 2026")
    assert Quarter.parse("2026-Q4").end == date(2027, 1, 1)
    assert Quarter.parse("2026-Q1").previous() == Quarter(2025, 4)
    assert date(2026, 9, 30) in q3 and date(2026, 10, 1) not in q3


@pytest.mark.parametrize("text", ["2026-Q5", "2026Q3", "Q3-2026", "", "1999-Q1", "2026-q3x"])
def test_anything_else_is_refused_saying_what_is_allowed(text):
    with pytest.raises(ValueError, match="YYYY-Q1 to YYYY-Q4"):
        Quarter.parse(text)

"""Counts of 1 to 4 are "<5"; a figure made from one is "suppressed"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.reporting.domain import suppression as s


def test_counts_of_one_to_four_are_shown_as_under_five_and_others_as_they_are():
    assert [s.count(n) for n in range(7)] == [0, "<5", "<5", "<5", "<5", 5, 6]


def test_a_share_is_suppressed_when_its_part_or_its_whole_is_one_to_four():
    assert s.share(3, 10) == "suppressed"
    assert s.share(4, 4) == "suppressed"
    assert s.share(0, 3) == "suppressed"
    assert s.share(0, 10) == 0.0
    assert s.share(9, 12) == 75.0
    assert s.share(5, 6) == 83.3
    assert s.share(0, 0) is None


def test_a_statistic_over_fewer_than_five_cases_is_suppressed():
    assert s.statistic(2.0, 4) == "suppressed"
    assert s.statistic(2.0, 5) == 2.0
    assert s.statistic(None, 0) is None


def test_what_people_read():
    assert [s.shown(v) for v in (0, "<5", "suppressed", None, 12, 2.0, 2.5)] == \
        ["0", "<5", "suppressed", "none", "12", "2", "2.5"]
    assert s.shown(85.0, "%") == "85.0%"


@given(st.integers(min_value=0, max_value=10_000))
def test_no_count_from_one_to_four_is_ever_shown(n):
    shown = s.count(n)
    assert shown == "<5" if 0 < n < 5 else shown == n


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000))
def test_a_share_never_shows_a_number_made_from_a_small_count(part, extra):
    whole = part + extra
    shown = s.share(part, whole)
    if 0 < part < 5 or 0 < whole < 5:
        assert shown == "suppressed"
    elif whole == 0:
        assert shown is None
    else:
        assert isinstance(shown, float) and 0 <= shown <= 100

"""Counts of 1 to 4 are "<5"; a figure made from one is "suppressed"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.reporting.domain import suppression as s


def test_counts_of_one_to_four_are_shown_as_under_five_and_others_as_they_are():
    assert [s.count(n) for n in range(7)] == [0, "<5", "<5", "<5", "<5", 5, 6]


def test_a_share_is_suppressed_when_its_part_its_whole_or_their_difference_is_one_to_four():
    assert s.share(3, 10) == "suppressed"
    assert s.share(4, 4) == "suppressed"
    assert s.share(0, 3) == "suppressed"
    assert s.share(0, 10) == 0.0
    assert s.share(9, 15) == 60.0
    assert s.share(11, 12) == "suppressed"  # 92% of 12 tells that 1 said no
    assert s.share(10, 15) == 66.7
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
    if 0 < part < 5 or 0 < whole < 5 or 0 < extra < 5:
        assert shown == "suppressed"
    elif whole == 0:
        assert shown is None
    else:
        assert isinstance(shown, float) and 0 <= shown <= 100


def test_a_count_beside_its_total_is_withheld_when_the_rest_of_the_total_is_small():
    assert [s.part(yes, 12) for yes in (0, 3, 7, 11, 12)] == [0, "<5", 7, "suppressed", 12]


def test_a_table_hides_the_next_smallest_part_where_one_hidden_part_could_be_worked_out():
    # Three sources over two months, totals last: one source had 2 referrals in October. Hiding
    # its November (9) protects its row; then October needs a second hidden part (the 6), which
    # its row protects with the 8, and so on until no line has a lone hidden part.
    grid = [[2, 9, 11],
            [6, 8, 14],
            [7, 5, 12],
            [15, 22, 37]]
    assert s.protect(grid) == [["<5", "suppressed", 11],
                               ["suppressed", "suppressed", 14],
                               ["suppressed", "suppressed", 12],
                               [15, 22, 37]]
    assert s.protect([[6, 9, 15], [7, 8, 15], [13, 17, 30]]) == [[6, 9, 15], [7, 8, 15], [13, 17, 30]]


def _recoverable(grid: list[list[int]], shown: list[list[object]]) -> list[tuple[int, int]]:
    """Hidden cells one line gives away: the only hidden cell of a row or column (its total included)."""
    rows, cols = len(grid), len(grid[0])
    lines = [[(r, c) for c in range(cols)] for r in range(rows)] + [[(r, c) for r in range(rows)] for c in range(cols)]
    found = []
    for line in lines:
        hidden = [cell for cell in line if isinstance(shown[cell[0]][cell[1]], str)]
        if len(hidden) == 1:
            found.append(hidden[0])
    return found


@given(st.lists(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=4), min_size=1, max_size=6)
       .filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_no_hidden_count_can_be_recovered_from_a_line_of_the_table(parts):
    grid = [[*row, sum(row)] for row in parts]
    grid.append([sum(column) for column in zip(*grid, strict=True)])
    shown = s.protect(grid)
    assert _recoverable(grid, shown) == []
    for row, cells in zip(grid, shown, strict=True):
        for n, cell in zip(row, cells, strict=True):
            assert cell == ("<5" if 0 < n < 5 else cell) and (cell == n or isinstance(cell, str))

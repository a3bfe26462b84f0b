"""Small-number suppression (DOMAIN: commissioners see counts under 5 as "<5").

- A count of 1 to 4 is shown as ``"<5"`` everywhere: pages, JSON, CSV and spreadsheet. 0 is shown
  as 0 (it identifies nobody), 5 and over as the number.
- A figure derived from counts — a percentage, a median, a 90th percentile — is shown as
  ``"suppressed"`` when any count it is made from (its numerator or its denominator; for a median,
  the number of cases measured) is 1 to 4, since the figure would let the small count be worked out.
  With nothing to measure (a denominator of 0) it is ``None`` (shown as "none").
- Secondary suppression, so that a hidden count cannot be worked out from what is shown: a count
  whose complement in a shown total is 1 to 4 (the "yes" of 12 answers when 1 said no) is
  ``"suppressed"``, and so is a share made from it; in a table with totals (``protect``), a row or
  column with exactly one hidden cell also hides its next smallest part (or, having none, its total).
"""

from __future__ import annotations

from collections.abc import Iterable

THRESHOLD = 5
SMALL = "<5"
WITHHELD = "suppressed"

RULE = ("Counts of 1 to 4 are shown as '<5'. A percentage, median or 90th percentile made from a count of 1 to 4 "
        "(its numerator, its denominator, what the numerator leaves of the denominator, or the cases measured) "
        "is shown as 'suppressed', and so is a count from which a hidden one could be worked out by "
        "subtraction from a total. 0 is shown as 0; 'none' means there was nothing to measure.")

Count = int | str
"""A count as shown: the number, or ``SMALL``."""
Derived = float | str | None
"""A derived figure as shown: the value, ``WITHHELD``, or None when there was nothing to measure."""


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def count(value: int) -> Count:
    """``value``, or "<5" for 1 to 4."""
    return SMALL if is_small(value) else value


def share(part: int, whole: int) -> Derived:
    """``part`` of ``whole`` as a percentage to one decimal place; suppressed if ``part``, ``whole``
    or what ``part`` leaves of it is 1 to 4 (92% of 12 tells that 1 said no)."""
    if whole == 0:
        return None
    if is_small(part) or is_small(whole) or is_small(whole - part):
        return WITHHELD
    return round(100 * part / whole, 1)


def part(value: int, whole: int) -> Count:
    """A count shown beside its ``whole``: "<5" for 1 to 4, and "suppressed" when what it leaves of
    the whole is 1 to 4 (the whole minus it would tell that small count)."""
    if is_small(value):
        return SMALL
    return WITHHELD if is_small(whole - value) else value


def protect(grid: list[list[int]], also: Iterable[tuple[int, int]] = ()) -> list[list[Count]]:
    """A table's counts as shown, the last column holding each row's total and the last row each
    column's. Each row and column is a sum (its parts make its total), so a hidden cell that is the
    only hidden one of its line — a part, or the total itself — could be worked out by subtraction or
    addition. After primary suppression, until nothing changes, such a line also hides its smallest
    other non-zero part (or, having none, its total). ``also`` names cells to hide besides: those a
    table sharing a line with this one hides (so the shared line cannot be read off this table)."""
    hidden = {(r, c) for r, row in enumerate(grid) for c, n in enumerate(row) if is_small(n)} | set(also)
    lines = [[(r, c) for c in range(len(grid[0]))] for r in range(len(grid))]
    lines += [[(r, c) for r in range(len(grid))] for c in range(len(grid[0]))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            *parts, total = line
            others = [cell for cell in parts if cell not in hidden and grid[cell[0]][cell[1]] > 0]
            if others:
                hidden.add(min(others, key=lambda cell: grid[cell[0]][cell[1]]))
            elif total not in hidden:
                hidden.add(total)
            else:
                continue  # a hidden total over parts all shown as 0 is 0, which is never hidden
            changed = True
    return [[(SMALL if is_small(n) else WITHHELD) if (r, c) in hidden else n for c, n in enumerate(row)]
            for r, row in enumerate(grid)]


def statistic(value: float | None, measured: int) -> Derived:
    """A statistic over ``measured`` cases (a median, a percentile); suppressed over 1 to 4 cases."""
    if measured == 0 or value is None:
        return None
    return WITHHELD if is_small(measured) else value


def shown(value: Count | Derived, unit: str = "") -> str:
    """A cell as a person reads it: ``"<5"``, ``"suppressed"``, ``"none"``, ``"12"``, ``"85.0%"``."""
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and unit != "%":
        value = int(value)
    return f"{value}{unit}"

"""Small-number suppression (DOMAIN: commissioners see counts under 5 as "<5").

- A count of 1 to 4 is shown as ``"<5"`` everywhere: pages, JSON, CSV and spreadsheet. 0 is shown
  as 0 (it identifies nobody), 5 and over as the number.
- A figure derived from counts — a percentage, a median, a 90th percentile — is shown as
  ``"suppressed"`` when any count it is made from (its numerator or its denominator; for a median,
  the number of cases measured) is 1 to 4, since the figure would let the small count be worked out.
  With nothing to measure (a denominator of 0) it is ``None`` (shown as "none").
Only primary suppression is applied: a total of 5 or more is shown even when one of its parts is "<5".
"""

from __future__ import annotations

THRESHOLD = 5
SMALL = "<5"
WITHHELD = "suppressed"

RULE = ("Counts of 1 to 4 are shown as '<5'. A percentage, median or 90th percentile made from a count of 1 to 4 "
        "(its numerator, its denominator or the cases measured) is shown as 'suppressed'. 0 is shown as 0; "
        "'none' means there was nothing to measure.")

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
    """``part`` of ``whole`` as a percentage to one decimal place; suppressed if either is 1 to 4."""
    if whole == 0:
        return None
    if is_small(part) or is_small(whole):
        return WITHHELD
    return round(100 * part / whole, 1)


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

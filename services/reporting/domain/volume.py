"""Volume: referrals by source, area, offence type, criminal-justice stage and initiator, per month
and per quarter."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from services.reporting.domain.definitions import Definition
from services.reporting.domain.facts import CaseFact
from services.reporting.domain.suppression import Count, protect
from shared.periods import Quarter, month_of

DIMENSIONS = {
    "source": "Source",
    "area": "Area",
    "offence_type": "Offence type",
    "cj_stage": "Criminal-justice stage",
    "initiated_by": "Who initiated it",
}
NOT_GIVEN = "not given"

VOLUME = Definition(
    name="Referrals received",
    measures="Referrals received, counted by one dimension at a time (source, area, offence type, "
             "criminal-justice stage, who initiated it), per calendar month and for the quarter.",
    events="ReferralReceived (source, offence.area, offence.offence_type, criminal_justice_stage, initiated_by); "
           "CaseOpened carries the same fields and stands in until the referral's event arrives.",
    clock="ReferralReceived.received_at, as a London date.",
)


@dataclass(frozen=True)
class VolumeRow:
    value: str
    by_month: tuple[int, int, int]
    quarter: int


@dataclass(frozen=True)
class VolumeTable:
    dimension: str
    months: tuple
    rows: tuple[VolumeRow, ...]
    total: VolumeRow


def volume(facts: Iterable[CaseFact], dimension: str, quarter: Quarter) -> VolumeTable:
    """Referrals received in ``quarter`` by ``dimension``: each value's count per month and in all,
    largest first (then by name)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension {dimension!r} is not one of {', '.join(DIMENSIONS)}")
    counts: Counter[tuple[str, object]] = Counter()
    for fact in facts:
        if fact.received_on is None or fact.received_on not in quarter:
            continue
        counts[(getattr(fact, dimension) or NOT_GIVEN, month_of(fact.received_on))] += 1
    months = quarter.months

    def row(value: str, keep) -> VolumeRow:
        by_month = tuple(sum(n for (v, m), n in counts.items() if keep(v) and m == month) for month in months)
        return VolumeRow(value, by_month, sum(by_month))  # type: ignore[arg-type]

    rows = [row(value, lambda v, value=value: v == value) for value in {v for v, _ in counts}]
    rows.sort(key=lambda r: (-r.quarter, r.value))
    return VolumeTable(dimension, months, tuple(rows), row("All referrals", lambda v: True))


def as_shown(table: VolumeTable) -> list[tuple[str, list[Count], Count]]:
    """Each row (the total last) as commissioners see it: (value, per month, quarter), with small
    counts and those that would give them away by subtraction suppressed (``protect``)."""
    rows = (*table.rows, table.total)
    grid = protect([[*row.by_month, row.quarter] for row in rows])
    return [(row.value, cells[:-1], cells[-1]) for row, cells in zip(rows, grid, strict=True)]

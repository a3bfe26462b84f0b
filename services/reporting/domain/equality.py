"""Equality monitoring of participants and of those who decline (age band, sex, ethnicity, disability).

The answers are special-category data sealed under each party's key, which reporting does not hold
(DESIGN D5), so reporting never sees them: casework counts each ended quarter and publishes only the
counts (``EqualityMonitoringTallied``, docs/decisions/0006). Per question, a table of answers by
victims and offenders who took part or declined, for the whole service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import get_args

from services.reporting.domain.definitions import Definition
from services.reporting.domain.suppression import Count, protect
from shared.contracts.casework.equality import (
    NOT_RECORDED,
    QUESTIONS,
    AgeBand,
    Disability,
    Ethnicity,
    Question,
    Sex,
    TallyCount,
)

QUESTION_LABELS: dict[str, str] = {"age_band": "Age band", "sex": "Sex", "ethnicity": "Ethnicity",
                                   "disability": "Disability"}
ANSWERS: dict[str, tuple[str, ...]] = {
    question: (*get_args(answers), NOT_RECORDED)
    for question, answers in zip(QUESTIONS, (AgeBand, Sex, Ethnicity, Disability), strict=True)
}
"""Each question's answers in the contract's order, "not recorded" last: the rows of its table."""
ALL_ANSWERS = "All answers"
"""The total row."""
ANSWER_LABELS = {
    "under_18": "Under 18", "18_24": "18 to 24", "25_34": "25 to 34", "35_44": "35 to 44", "45_54": "45 to 54",
    "55_64": "55 to 64", "65_plus": "65 and over",
    "female": "Female", "male": "Male",
    "asian": "Asian, Asian British or Asian Welsh",
    "black": "Black, Black British, Black Welsh, Caribbean or African",
    "mixed": "Mixed or multiple ethnic groups", "white": "White", "other_ethnic_group": "Other ethnic group",
    "yes": "Yes", "no": "No",
    "prefer_not_to_say": "Prefer not to say", NOT_RECORDED: "Not recorded", ALL_ANSWERS: ALL_ANSWERS,
}
COLUMNS = (("victim", "took_part"), ("victim", "declined"), ("offender", "took_part"), ("offender", "declined"))
COLUMN_LABELS = ("victims who took part", "victims who declined", "offenders who took part", "offenders who declined")
ROW_TOTAL = "total"
NOT_YET_COUNTED = "not yet counted"
NOT_YET_COUNTED_WHY = "Not yet counted: casework counts a quarter after it has ended."
WHOLE_SERVICE = "whole service"
NOT_FILTERED = "The area and source filters do not apply: equality monitoring is counted for the whole service."

EQUALITY = Definition(
    name="Equality monitoring",
    measures="Victims and offenders who took part (consented to take part) or declined in the quarter, by their "
             "latest answers to each question (age band, sex, ethnicity, disability) recorded by the quarter's end; "
             "'not recorded' when they gave none or their answers were erased with their key. Each person counts "
             "once for each decision in the quarter. The figure is for the whole service: it is not split by area "
             "or source, since most cells would then be under 5.",
    events="EqualityMonitoringTallied, counted by casework from EqualityMonitoringRecorded, ConsentGiven (scope "
           "participation), VictimDeclined and OffenderDeclined; a later tally of a quarter replaces the earlier one.",
    clock="The London date of the decision (consent given, or declined). A quarter is counted and published after "
          "it has ended.",
)


def answer_label(answer: str) -> str:
    """An answer as people read it; one the contract gained after this code is shown in words."""
    return ANSWER_LABELS.get(answer) or answer.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Tally:
    """The latest tally casework published for a quarter, as reporting keeps it."""

    quarter: str
    counted_at: datetime
    counts: tuple[TallyCount, ...]


@dataclass(frozen=True)
class EqualityRow:
    answer: str
    people: tuple[int, int, int, int]
    """In ``COLUMNS``' order."""
    total: int


@dataclass(frozen=True)
class EqualityTable:
    question: Question
    rows: tuple[EqualityRow, ...]
    total: EqualityRow


@dataclass(frozen=True)
class Equality:
    counted_at: datetime
    tables: tuple[EqualityTable, ...]
    hidden_totals: frozenset[int] = frozenset()
    """Cells of the total row hidden in every table (``shared_totals``)."""


def table(counts: Iterable[TallyCount], question: Question) -> EqualityTable:
    """One question's table: every answer of the contract (0 when nobody gave it, so the rows are the
    same each quarter), any answer the contract gained since after them, "not recorded" last."""
    people: dict[str, list[int]] = {}
    for n in counts:
        if n.question == question:
            people.setdefault(n.answer, [0] * len(COLUMNS))[COLUMNS.index((n.party, n.decision))] += n.people
    known = ANSWERS[question]
    answers = [*known[:-1], *sorted(set(people) - set(known)), NOT_RECORDED]

    def row(answer: str, by_column: list[int]) -> EqualityRow:
        return EqualityRow(answer, tuple(by_column), sum(by_column))  # type: ignore[arg-type]

    rows = tuple(row(answer, people.get(answer, [0] * len(COLUMNS))) for answer in answers)
    by_column = [sum(r.people[c] for r in rows) for c in range(len(COLUMNS))]
    return EqualityTable(question, rows, row(ALL_ANSWERS, by_column))


def equality(tally: Tally) -> Equality:
    tables = tuple(table(tally.counts, question) for question in QUESTIONS)
    return Equality(tally.counted_at, tables, shared_totals(tables))


def _grid(table: EqualityTable) -> list[list[int]]:
    return [[*row.people, row.total] for row in (*table.rows, table.total)]


def shared_totals(tables: Iterable[EqualityTable]) -> frozenset[int]:
    """Every question counts everyone once, so the tables share one total row: a total a table hides
    could be read off another that shows it. Hide, in every table, each total cell any table hides,
    until no table hides one more."""
    tables, hidden = list(tables), frozenset[int]()
    while True:
        found = set(hidden)
        for t in tables:
            grid = _grid(t)
            last = protect(grid, {(len(grid) - 1, c) for c in hidden})[-1]
            found |= {c for c, cell in enumerate(last) if isinstance(cell, str)}
        if found == hidden:
            return hidden
        hidden = frozenset(found)


def as_shown(table: EqualityTable, hidden_totals: frozenset[int] = frozenset()) -> list[tuple[str, list[Count], Count]]:
    """Each row (the total last) as commissioners see it: (answer, per column, row total), with small
    counts and those that would give them away by subtraction suppressed (``protect``), and the total
    cells hidden in every table of the quarter (``Equality.hidden_totals``)."""
    grid = _grid(table)
    shown = protect(grid, {(len(grid) - 1, c) for c in hidden_totals})
    rows = (*table.rows, table.total)
    return [(row.answer, cells[:-1], cells[-1]) for row, cells in zip(rows, shown, strict=True)]

"""Equality monitoring (DOMAIN "What commissioners ask providers to report"): each party's own
answers, sealed under their key as special-category data, and the quarter's anonymous tally that
casework — which alone holds the keys — publishes for reporting. See docs/decisions/0006."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from shared.contracts.base import Contract, DomainEvent, Personal
from shared.contracts.casework.base import Party, SubjectEvent
from shared.contracts.registry import contract

AgeBand = Literal["under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "prefer_not_to_say"]
Sex = Literal["female", "male", "prefer_not_to_say"]
Ethnicity = Literal["asian", "black", "mixed", "white", "other_ethnic_group", "prefer_not_to_say"]
"""The five high-level groups of the 2021 census for England and Wales."""
Disability = Literal["yes", "no", "prefer_not_to_say"]
"""A physical or mental condition or illness that limits day-to-day activities (Equality Act 2010)."""
Question = Literal["age_band", "sex", "ethnicity", "disability"]
QUESTIONS: tuple[Question, ...] = ("age_band", "sex", "ethnicity", "disability")
NOT_RECORDED = "not_recorded"
"""A tally's answer for someone counted whose answers were not on record by the quarter's end (or
were erased with their key)."""
Decision = Literal["took_part", "declined"]


@contract
class EqualityMonitoringRecorded(SubjectEvent):
    """A party's answers to the monitoring questions: voluntary, each may be "prefer not to say".
    The latest recorded answers stand."""

    party: Party
    age_band: Personal[AgeBand]
    sex: Personal[Sex]
    ethnicity: Personal[Ethnicity]
    disability: Personal[Disability]


class TallyCount(Contract):
    """How many parties on one side, deciding one way in the quarter, gave one answer to one question."""

    party: Party
    decision: Decision
    question: Question
    answer: str = Field(max_length=40)
    people: int = Field(ge=1)


class EqualityEvent(DomainEvent, producer="casework", category="equality"):
    """An event about equality monitoring as a whole, in an ``equality-<quarter>`` stream."""


@contract
class EqualityMonitoringTallied(EqualityEvent):
    """Everyone who took part (consented to take part) or declined in the quarter, victims and
    offenders, counted by their monitoring answers as on record at the quarter's end. No case, no
    person: counts only, and zero counts left out. Published after the quarter has ended, again only
    when a recount differs (answers recorded late, or erased with their key)."""

    quarter: str = Field(pattern=r"^\d{4}-Q[1-4]$")
    starts_on: date
    ends_on: date = Field(description="the first day after the quarter")
    counted_at: datetime
    decided: int = Field(ge=0, description="parties counted: each person once per decision in the quarter")
    counts: tuple[TallyCount, ...]

"""Counting equality monitoring for a quarter (docs/decisions/0006): who took part or declined in
it, each by their latest answers recorded by its end. Pure: the handler reads the cases and the
answers (opened with the keys), this decides what is counted and how."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from shared.contracts import casework as e
from shared.contracts.base import ERASED
from shared.contracts.casework.equality import NOT_RECORDED, QUESTIONS, Decision
from shared.periods import Quarter, london_date


@dataclass(frozen=True)
class Counted:
    """One party's decision in the quarter, and their answers as on record at its end (None: none)."""

    party: str
    decision: Decision
    answers: Mapping[str, str] | None


def decision_of(event: object) -> tuple[str, Decision] | None:
    """The party and decision an event records, if it is one the tally counts."""
    match event:
        case e.ConsentGiven(scope="participation", party="victim" | "offender" as party):
            return party, "took_part"
        case e.VictimDeclined():
            return "victim", "declined"
        case e.OffenderDeclined():
            return "offender", "declined"
    return None


def counted_in(quarter: Quarter, case: Iterable[tuple[datetime, object]]) -> list[Counted]:
    """The parties of one case counted in ``quarter`` (its events with their business time, in
    order): each party's latest decision in the quarter, with their latest answers by its end."""
    decisions: dict[str, Decision] = {}
    answers: dict[str, Mapping[str, str]] = {}
    for at, event in case:
        day = london_date(at)
        if day >= quarter.end:
            continue
        if isinstance(event, e.EqualityMonitoringRecorded):
            answers[event.party] = {question: getattr(event, question) for question in QUESTIONS}
        decided = decision_of(event)
        if decided is not None and day in quarter:
            decisions[decided[0]] = decided[1]
    return [Counted(party, decision, _readable(answers.get(party))) for party, decision in sorted(decisions.items())]


def _readable(answers: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """Answers whose key was erased count as not recorded."""
    if answers is None or ERASED in answers.values():
        return None
    return answers


def tally(counted: Iterable[Counted]) -> tuple[e.TallyCount, ...]:
    """The counts, zero counts left out, in a fixed order (so two recounts of the same compare equal)."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for person in counted:
        for question in QUESTIONS:
            answer = person.answers[question] if person.answers else NOT_RECORDED
            counts[(person.party, person.decision, question, answer)] += 1
    return tuple(e.TallyCount(party=party, decision=decision, question=question, answer=answer, people=n)
                 for (party, decision, question, answer), n in sorted(counts.items()))


def ended_quarters(quarters: Iterable[Quarter], now: datetime) -> list[Quarter]:
    """The quarters that have ended by ``now``: the current one is never counted (0006)."""
    current = Quarter.of(london_date(now))
    return sorted(q for q in set(quarters) if q < current)

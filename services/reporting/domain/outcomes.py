"""Outcomes: what the parties said in the follow-up survey, against the 85% satisfaction benchmark."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.reporting.domain.definitions import Definition
from services.reporting.domain.facts import FollowUp

SATISFACTION_BENCHMARK = 85.0
"""Per cent of participants satisfied (Shapland et al., Ministry of Justice, 2008), as commissioners cite it."""

OUTCOMES = Definition(
    name="Outcomes",
    measures="Of the follow-up surveys completed in the period, the share answering yes to each question, of "
             "those who answered it (a question left unanswered is not counted); satisfaction is compared with "
             f"the {SATISFACTION_BENCHMARK:g}% benchmark. Victims and offenders are shown apart and together.",
    events="FollowUpCompleted (party; satisfied, would_recommend, better_able_to_cope, feels_safer). A party "
           "surveyed twice on one case counts once, with their latest answers.",
    clock="FollowUpCompleted's occurred_at, as a London date; the case's area and source filter it.",
)

QUESTIONS = {
    "satisfied": "Satisfied with the service",
    "would_recommend": "Would recommend it",
    "better_able_to_cope": "Better able to cope and recover",
    "feels_safer": "Feels safer",
}
PARTIES = {"victim": "Victims", "offender": "Offenders", "all": "All parties"}


@dataclass(frozen=True)
class Answer:
    party: str
    question: str
    yes: int
    answered: int


def outcomes(follow_ups: Iterable[FollowUp]) -> tuple[Answer, ...]:
    """Yes and answered counts, per party (and for all), per question."""
    follow_ups = list(follow_ups)
    found = []
    for party in PARTIES:
        chosen = [f for f in follow_ups if party == "all" or f.party == party]
        for question in QUESTIONS:
            answers = [getattr(f, question) for f in chosen if getattr(f, question) is not None]
            found.append(Answer(party, question, sum(1 for a in answers if a), len(answers)))
    return tuple(found)

"""Quality: risk assessed before joint contact, written consent, sensitive cases signed off."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from services.reporting.domain.definitions import Definition
from services.reporting.domain.facts import CaseFact

QUALITY = Definition(
    name="Quality",
    measures="Of the cases received in the period: (1) of those with joint contact, the share where both the "
             "victim and the offender had a risk assessment before it; (2) of those where both consented to take "
             "part, the share where both consents were written; (3) of those flagged sensitive, the share signed "
             "off by a supervisor.",
    events="(1) RiskAssessmentCompleted (party victim, offender) before the first ShuttleMessageDelivered, "
           "LetterDelivered or ConferenceHeld; (2) ConsentGiven (participation, form written) for each party; "
           "(3) CaseFlaggedSensitive and SignOffGranted.",
    clock="Cases by the London date their referral was received; assessments compared with the first joint "
          "contact by when each happened.",
)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    applies: Callable[[CaseFact], bool]
    met: Callable[[CaseFact], bool]


def _assessed_before_joint_contact(fact: CaseFact) -> bool:
    first = fact.delivered_at
    return all(at is not None and first is not None and at <= first
               for at in (fact.victim_risk_assessed_at, fact.offender_risk_assessed_at))


MEASURES = (
    Measure("risk_assessed_before_joint_contact", "Risk assessed before any joint contact",
            lambda f: f.delivered_at is not None, _assessed_before_joint_contact),
    Measure("written_consent", "Written consent from both parties",
            lambda f: f.victim_consented and f.offender_consented,
            lambda f: f.victim_written_consent and f.offender_written_consent),
    Measure("sensitive_signed_off", "Sensitive cases signed off", lambda f: f.sensitive, lambda f: f.signed_off),
)


@dataclass(frozen=True)
class QualityShare:
    measure: Measure
    met: int
    cases: int


def quality(facts: Iterable[CaseFact]) -> tuple[QualityShare, ...]:
    facts = list(facts)
    found = []
    for measure in MEASURES:
        applying = [f for f in facts if measure.applies(f)]
        found.append(QualityShare(measure, sum(1 for f in applying if measure.met(f)), len(applying)))
    return tuple(found)

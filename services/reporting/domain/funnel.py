"""The funnel: how far the cases received in the period got, and why the closed ones stopped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from services.reporting.domain.definitions import Definition
from services.reporting.domain.facts import CaseFact
from services.reporting.domain.suppression import Count, protect

FUNNEL = Definition(
    name="Funnel",
    measures="Of the cases received in the period, how many reached each stage so far (a case that reached a "
             "stage counts there even if it later stopped); and of those closed, how many for each reason.",
    events="referred: ReferralReceived or CaseOpened; contacted: a ContactAttempted with the victim that reached "
           "them; victim consents: ConsentGiven (victim, participation); offender traced: OffenderTraced; offender "
           "consents: ConsentGiven (offender, participation); delivered direct: ConferenceHeld; delivered "
           "indirect: ShuttleMessageDelivered or LetterDelivered; agreement: ReparationAgreed; agreement "
           "completed: every agreed item has ReparationItemCompleted. Drop-out: the reason of the latest "
           "CaseClosed (CaseMerged counts as 'duplicate'), unless CaseReopened came after it; "
           "referrals withdrawn: ReferralWithdrawn.",
    clock="Cases by the London date their referral was received; stages as known now.",
)

CLOSURE_REASONS = {
    "completed_direct": "Completed: direct",
    "completed_indirect": "Completed: indirect",
    "victim_withdrew_or_declined": "Victim withdrew or declined",
    "offender_declined_or_withdrew": "Offender declined or withdrew",
    "unsuitable_on_risk": "Unsuitable on risk",
    "offender_not_traced": "Offender not traced",
    "no_contact": "No contact",
    "offender_deceased_or_deported": "Offender deceased or deported",
    "referred_elsewhere": "Referred elsewhere",
    "duplicate": "Duplicate",
}


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    reached: Callable[[CaseFact], bool]


STAGES = (
    Stage("referred", "Referred", lambda f: True),
    Stage("contacted", "Victim contacted", lambda f: f.contacted),
    Stage("victim_consented", "Victim consents", lambda f: f.victim_consented),
    Stage("offender_traced", "Offender traced", lambda f: f.offender_traced),
    Stage("offender_consented", "Offender consents", lambda f: f.offender_consented),
    Stage("delivered_direct", "Delivered: direct", lambda f: f.delivered_direct),
    Stage("delivered_indirect", "Delivered: indirect", lambda f: f.delivered_indirect),
    Stage("agreement", "Reparation agreed", lambda f: f.agreement),
    Stage("agreement_completed", "Agreement completed", lambda f: f.agreement_completed),
)


@dataclass(frozen=True)
class Funnel:
    stages: tuple[tuple[Stage, int], ...]
    closures: tuple[tuple[str, str, int], ...]
    """(reason, words, cases) for every closure reason, in the contract's order."""
    still_open: int
    withdrawn_referrals: int


def funnel(facts: Iterable[CaseFact]) -> Funnel:
    facts = list(facts)
    closed = Counter(f.closure_reason for f in facts if f.closed)
    return Funnel(
        stages=tuple((stage, sum(1 for f in facts if stage.reached(f))) for stage in STAGES),
        closures=tuple((reason, words, closed[reason]) for reason, words in CLOSURE_REASONS.items()),
        still_open=sum(1 for f in facts if not f.closed),
        withdrawn_referrals=sum(1 for f in facts if f.withdrawn_at is not None),
    )


def outcomes_shown(made: Funnel) -> list[tuple[str, Count]]:
    """Each closure reason, then "Still open", as shown. They add up to the cases referred, so one
    hidden among them could be worked out by subtraction: they are protected as the parts of that
    total (``protect``; the total is hidden only when it is under 5 itself, as the stages show it)."""
    referred = made.stages[0][1]
    parts = [(words, n) for _, words, n in made.closures] + [("Still open", made.still_open)]
    shown = protect([[n] for _, n in parts] + [[referred]])
    return [(words, cells[0]) for (words, _), cells in zip(parts, shown, strict=False)]

"""Timeliness: working days from referral to each step (England's bank holidays do not count)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from services.reporting.domain.definitions import Definition
from services.reporting.domain.facts import CaseFact
from shared.periods import london_date
from shared.workingdays import working_days_between

TARGET_WORKING_DAYS = 2
"""Victims' Code: acknowledged and contact attempted within 2 working days."""

TIMELINESS = Definition(
    name="Timeliness",
    measures="Working days from the referral to each step, for the cases received in the period that "
             "reached it: the median, the 90th percentile (nearest rank) and, for acknowledgement and "
             f"first contact attempt, the share within the {TARGET_WORKING_DAYS}-working-day target.",
    events="ReferralReceived → ReferralAcknowledged; the victim's first ContactAttempted; the first "
           "FacilitatorAllocated; the first PreparationMeetingHeld; the first delivery (ShuttleMessageDelivered, "
           "LetterDelivered or ConferenceHeld); CaseClosed (or CaseMerged).",
    clock="London dates. Working days are counted after the day the referral was received, up to and including "
          "the day of the step, Monday to Friday without England's bank holidays (so a referral received on a "
          "day off counts from the next working day); a step recorded on the day received is 0. Each step's "
          "moment is when it happened (occurred_at of its event; ConferenceHeld.held_at; "
          "PreparationMeetingHeld.held_on).",
)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    moment: Callable[[CaseFact], date | datetime | None]
    has_target: bool = False


STEPS = (
    Step("acknowledgement", "Acknowledgement", lambda f: f.acknowledged_at, has_target=True),
    Step("first_contact_attempt", "First contact attempt", lambda f: f.first_contact_attempt_at, has_target=True),
    Step("allocation", "Allocation to a facilitator", lambda f: f.allocated_at),
    Step("first_preparation_meeting", "First preparation meeting", lambda f: f.first_preparation_on),
    Step("delivery", "First delivery (direct or indirect)", lambda f: f.delivered_at),
    Step("closure", "Closure", lambda f: f.closed_at),
)


def working_days(received_at: datetime, then: date | datetime) -> int:
    """Working days from the referral to ``then`` (never negative: a step cannot precede the referral)."""
    day = london_date(then) if isinstance(then, datetime) else then
    return max(0, working_days_between(london_date(received_at), day))


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None for no values."""
    return float(statistics.median(values)) if values else None


def percentile_90(values: Sequence[float]) -> float | None:
    """Nearest-rank 90th percentile: the smallest value at least 90% of the values are at or under."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])


@dataclass(frozen=True)
class StepTimes:
    step: Step
    days: tuple[int, ...]

    @property
    def measured(self) -> int:
        return len(self.days)

    @property
    def within_target(self) -> int:
        return sum(1 for d in self.days if d <= TARGET_WORKING_DAYS)

    @property
    def median(self) -> float | None:
        return median(self.days)

    @property
    def percentile_90(self) -> float | None:
        return percentile_90(self.days)


def timeliness(facts: Iterable[CaseFact]) -> tuple[StepTimes, ...]:
    """For each step, the working days it took in every case that reached it."""
    facts = [f for f in facts if f.received_at is not None]
    found = []
    for step in STEPS:
        days = tuple(working_days(f.received_at, moment) for f in facts  # type: ignore[arg-type]
                     if (moment := step.moment(f)) is not None)
        found.append(StepTimes(step, days))
    return tuple(found)

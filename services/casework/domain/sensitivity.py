"""Which cases are sensitive from the start: by offence and by the age of the people in it
(DOMAIN: domestic abuse, sexual offence, hate crime, stalking, trafficking, child exploitation,
homicide, a child victim or offender). A supervisor can flag more later."""

from __future__ import annotations

from datetime import date

from shared.contracts.casework.triage import SensitivityReason

BY_OFFENCE: dict[str, SensitivityReason] = {
    "sexual_offence": "sexual_offence",
    "homicide": "homicide",
    "harassment_or_stalking": "stalking",
    "domestic_abuse": "domestic_abuse",
    "hate_crime": "hate_crime",
    "trafficking": "trafficking",
    "child_exploitation": "child_exploitation",
}
ADULT_AGE = 18


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def sensitivity(offence_type: str, victim_born: date | None, offender_born: date | None,
                on: date) -> tuple[SensitivityReason, ...]:
    """Why a new case is sensitive (empty when it is not)."""
    reasons: list[SensitivityReason] = []
    if offence_type in BY_OFFENCE:
        reasons.append(BY_OFFENCE[offence_type])
    if victim_born is not None and age_on(victim_born, on) < ADULT_AGE:
        reasons.append("child_victim")
    if offender_born is not None and age_on(offender_born, on) < ADULT_AGE:
        reasons.append("child_offender")
    return tuple(reasons)

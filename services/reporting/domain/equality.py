"""Equality monitoring of participants and of those who decline (age band, sex, ethnicity, disability).

No event records any of these: ReferralReceived holds the victim's date of birth only sealed (reporting
has no key, DESIGN D5), and no casework event carries a monitoring question. Until a contract carries
them, the figure is shown as "not recorded" rather than estimated.
"""

from __future__ import annotations

from services.reporting.domain.definitions import Definition

CHARACTERISTICS = ("Age band", "Sex", "Ethnicity", "Disability")
NOT_RECORDED = "not recorded"

EQUALITY = Definition(
    name="Equality monitoring",
    measures="Participants, and those who declined, by age band, sex, ethnicity and disability.",
    events="None yet: no event carries these characteristics, so every figure is 'not recorded'.",
    clock="—",
)

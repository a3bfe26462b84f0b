"""The invented cases ``rj demo seed`` records: who referred whom for what (clearly fake people,
``example.org``, Ofcom's drama numbers 07700 900xxx, postcode ZZ99 9ZZ), and how each case goes —
declined, not traced, withdrawn, delivered by letters, shuttle or conference, reparation kept or
missed, followed up and closed with the matching reason. Pure: random choices, no I/O."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

AREAS = {"Buckinghamshire": 30, "Berkshire": 32, "Oxfordshire": 26, "Milton Keynes": 12}
SOURCES = {"police": 34, "victims_first_hub": 22, "probation_victim_liaison": 14, "victim_support": 9,
           "prison": 7, "youth_offending_team": 6, "court": 5, "other": 3}
OFFENCES = {"violence_against_the_person": 24, "burglary": 16, "theft": 10, "criminal_damage_or_arson": 9,
            "robbery": 7, "harassment_or_stalking": 6, "public_order": 5, "fraud": 5, "vehicle_offence": 4,
            "sexual_offence": 4, "road_traffic": 3, "weapons_possession": 2, "drug_offence": 2, "homicide": 1,
            "other": 2}
STAGES = {"post_sentence": 34, "pre_sentence": 12, "in_custody": 16, "on_licence": 10, "pre_charge": 12,
          "no_offender_identified": 6, "unknown": 10}
INITIATORS = {"victim": 58, "agency": 34, "offender": 8}
CUSTODY = {"post_sentence": "in_community", "in_custody": "in_custody", "on_licence": "on_licence"}
ORGANISATIONS = {"police": "Thames Valley Police", "victims_first_hub": "Victims First Hub",
                 "probation_victim_liaison": "Probation Victim Liaison Unit", "victim_support": "Victim Support",
                 "prison": "HMP Demo", "youth_offending_team": "Demo Youth Offending Team",
                 "court": "Demo Magistrates' Court", "other": "Demo Community Trust"}
WHAT_HAPPENED = {
    "violence_against_the_person": "Assaulted outside a pub after an argument.",
    "burglary": "House broken into while the family was away.",
    "theft": "Bicycle taken from the front garden.",
    "criminal_damage_or_arson": "Car windows smashed on the driveway.",
    "robbery": "Phone taken by force at a bus stop.",
    "harassment_or_stalking": "Repeated unwanted messages and visits over several months.",
    "public_order": "Threatened in the street during a disturbance.",
    "fraud": "Savings taken through a fake bank call.",
    "vehicle_offence": "Van stolen from a work site.",
    "sexual_offence": "An assault by someone known to the victim.",
    "road_traffic": "Hit by a driver who did not stop.",
    "weapons_possession": "Threatened with a knife.",
    "drug_offence": "Drug dealing from the flat next door.",
    "homicide": "A family member was killed.",
    "other": "An incident at work.",
}

# How cases end, in shares of all cases (DOMAIN: the funnel's drop-out by closure reason).
STORIES = {"no_contact": 7, "victim_declined": 16, "not_traced": 7, "offender_declined": 12, "unsuitable": 5,
           "consent_withdrawn": 7, "shuttle": 13, "letters": 13, "conference": 20}

# Equality monitoring (invented shares): most people answer; "prefer not to say" is an answer too.
MONITORING = {
    "victim": {"age_band": {"under_18": 3, "18_24": 11, "25_34": 19, "35_44": 19, "45_54": 18, "55_64": 15,
                            "65_plus": 12, "prefer_not_to_say": 3},
               "sex": {"female": 55, "male": 42, "prefer_not_to_say": 3},
               "ethnicity": {"white": 80, "asian": 9, "black": 4, "mixed": 3, "other_ethnic_group": 2,
                             "prefer_not_to_say": 2},
               "disability": {"no": 71, "yes": 21, "prefer_not_to_say": 8}},
    "offender": {"age_band": {"under_18": 6, "18_24": 27, "25_34": 30, "35_44": 19, "45_54": 10, "55_64": 5,
                              "65_plus": 1, "prefer_not_to_say": 2},
                 "sex": {"male": 84, "female": 14, "prefer_not_to_say": 2},
                 "ethnicity": {"white": 76, "asian": 8, "black": 8, "mixed": 5, "other_ethnic_group": 1,
                               "prefer_not_to_say": 2},
                 "disability": {"no": 66, "yes": 26, "prefer_not_to_say": 8}},
}
ANSWERED = {"victim": 0.8, "offender": 0.6}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True)
class Plan:
    """One invented case: the referral to post and how its story goes."""

    number: int
    referral: dict
    story: str


def referral(rng: random.Random, number: int, received: date) -> dict:
    """A partner agency's referral of invented people. No email anywhere (the referrer's or the
    victim's): the acknowledgements notifications would send for past dates are suppressed, with
    their reason recorded, instead of filling the mail catcher."""
    source, stage, offence = pick(rng, SOURCES), pick(rng, STAGES), pick(rng, OFFENCES)
    initiated = pick(rng, INITIATORS)
    offender = None
    if stage != "no_offender_identified":
        offender = {"name": f"Demo Offender {number}", "known_to_victim": rng.random() < 0.4,
                    "custody_status": CUSTODY.get(stage, "unknown"),
                    "date_of_birth": _born(rng, received, 19, 60).isoformat()}
    phone = f"07700 900{rng.randrange(1000):03d}"
    return {
        "source": source,
        "referrer": {"organisation": ORGANISATIONS[source], "name": f"Demo Referrer {rng.randrange(1, 40)}",
                     "phone": f"01632 960{rng.randrange(1000):03d}"},
        "victim": {
            "name": f"Demo Person {number}", "date_of_birth": _born(rng, received, 19, 80).isoformat(),
            "phone": phone, "postcode": "ZZ99 9ZZ", "address": f"{number} Demo Street, Demotown",
            "contact_preferences": {"channels": ["phone"] if rng.random() < 0.7 else ["phone", "letter"],
                                    "safe_times": rng.choice(["weekdays after 6pm", "mornings", "any time"]),
                                    "may_leave_message": rng.random() < 0.6, "language": "English"},
        },
        "offence": {"crime_reference": f"43/{rng.randrange(10000, 99999)}/{received.year % 100:02d}",
                    "offence_type": offence,
                    "offence_date": (received - timedelta(days=rng.randrange(20, 400))).isoformat(),
                    "area": pick(rng, AREAS), "description": WHAT_HAPPENED[offence]},
        **({"offender": offender} if offender else {}),
        "criminal_justice_stage": stage,
        "initiated_by": initiated,
        "victim_aware_of_referral": initiated != "offender" or rng.random() < 0.5,
        "hopes": rng.choice(["To ask why it happened.", "To be heard.", "An apology.",
                             "To know it will not happen again."]),
    }


def _born(rng: random.Random, on: date, youngest: int, oldest: int) -> date:
    return on - timedelta(days=rng.randrange(youngest * 366, oldest * 365))


def plan(rng: random.Random, number: int, received: date) -> Plan:
    document = referral(rng, number, received)
    story = pick(rng, STORIES)
    if "offender" not in document and story not in ("no_contact", "victim_declined"):
        story = "not_traced"  # no one was caught: nobody to trace
    return Plan(number, document, story)


def monitoring(rng: random.Random, party: str) -> dict | None:
    """A party's monitoring answers (the body of ``record-equality-monitoring``), or None if never asked."""
    if rng.random() >= ANSWERED[party]:
        return None
    return {"party": party, **{question: pick(rng, shares) for question, shares in MONITORING[party].items()}}

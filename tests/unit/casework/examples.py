"""A case as the unit tests build it: events given, an action, a context (who, when, which ids)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid5

from services.casework.domain import commands as c
from services.casework.domain.decide import decide
from services.casework.domain.evolve import CASE
from services.casework.domain.people import Context, Person
from services.casework.domain.state import CaseState
from shared.contracts import casework as e
from shared.contracts.referral import ContactPreferences

NOW = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
TODAY = NOW.date()
REFERRAL_ID = UUID("7f0c6a52-1f49-4a47-9d0e-3c2b8f1d6a01")
CASE_ID = uuid5(REFERRAL_ID, "case")
VICTIM = uuid5(REFERRAL_ID, "victim")
OFFENDER = uuid5(REFERRAL_ID, "offender")

SUPERVISOR = Person("sam.supervisor", "supervisor", "advanced")
OTHER_SUPERVISOR = Person("kim.supervisor", "supervisor", "advanced")
ADVANCED = Person("ada.advanced", "facilitator", "advanced")
FOUNDATION = Person("finn.foundation", "facilitator", "foundation")
AUDITOR = Person("aud.itor", "auditor")
STAFF = {p.username: p for p in (SUPERVISOR, OTHER_SUPERVISOR, ADVANCED, FOUNDATION, AUDITOR)}

VICTIM_ADDRESS = "12 Acacia Avenue, Aylesbury"
VICTIM_EMAIL = "alex.morgan@example.org"
VICTIM_PHONE = "+447700900123"
VICTIM_POSTCODE = "HP20 1AA"


def ids():
    counter = itertools.count(1)
    return lambda: UUID(int=next(counter))


def ctx(by: Person = ADVANCED, now: datetime = NOW) -> Context:
    return Context(by=by, now=now, staff=STAFF, new_id=ids())


def opened(sensitive: bool = False, duplicate_of: UUID | None = None) -> list[e.CaseEvent]:
    events: list[e.CaseEvent] = [e.CaseOpened(
        case_id=CASE_ID, referral_id=REFERRAL_ID, reference="RJ-2026-000001", received_at=NOW,
        offence_type="burglary", area="Buckinghamshire",
        victim=e.CaseParty(subject_id=VICTIM, name="Alex Morgan", email=VICTIM_EMAIL, phone=VICTIM_PHONE,
                           address=VICTIM_ADDRESS, postcode=VICTIM_POSTCODE,
                           contact_preferences=ContactPreferences(channels=("email",))),
        offender=e.CaseParty(subject_id=OFFENDER, name="Sam Taylor"),
        first_contact_due=date(2026, 10, 5), possible_duplicate_of=duplicate_of)]
    if sensitive:
        events.append(e.CaseFlaggedSensitive(case_id=CASE_ID, reasons=("sexual_offence",)))
    return events


def allocated(lead: Person = ADVANCED, sensitive: bool = False) -> list[e.CaseEvent]:
    return [*opened(sensitive), e.FacilitatorAllocated(case_id=CASE_ID, facilitator=lead.username, level=lead.level,
                                                       allocated_by=SUPERVISOR.username)]


def consent(party: str, n: int, form: str = "written", scope: str = "participation") -> e.ConsentGiven:
    return e.ConsentGiven(case_id=CASE_ID, consent_id=UUID(int=1000 + n), party=party, scope=scope, form=form)


def assessed(party: str, n: int) -> e.RiskAssessmentCompleted:
    return e.RiskAssessmentCompleted(case_id=CASE_ID, subject_id=VICTIM if party == "victim" else OFFENDER,
                                     assessment_id=UUID(int=2000 + n), party=party, level="low",
                                     review_date=TODAY + timedelta(days=30))


def ready_for_joint_work(lead: Person = ADVANCED, sensitive: bool = False, form: str = "written") -> list:
    """Allocated, both consents, both risk assessments, in preparation; signed off when sensitive."""
    events = [*allocated(lead, sensitive), consent("victim", 1, form), consent("offender", 2, form),
              assessed("victim", 1), assessed("offender", 2),
              e.SuitabilityDecided(case_id=CASE_ID, suitable=True)]
    if sensitive:
        events += [e.SignOffRequested(case_id=CASE_ID, requested_by=lead.username),
                   e.SignOffGranted(case_id=CASE_ID, supervisor=OTHER_SUPERVISOR.username)]
    return events


CONFERENCE = UUID(int=3000)


def scheduled(**ready) -> list:
    return [*ready_for_joint_work(**ready), e.ConferenceScheduled(
        case_id=CASE_ID, subject_id=VICTIM, conference_id=CONFERENCE, at=NOW + timedelta(days=7),
        venue="Aylesbury police station", participants=("victim", "offender"))]


def given(events: list) -> CaseState:
    return CASE.fold(events)


def run(events: list, action: c.Action, by: Person = ADVANCED, now: datetime = NOW) -> list[e.CaseEvent]:
    return decide(action, given(events), ctx(by, now))

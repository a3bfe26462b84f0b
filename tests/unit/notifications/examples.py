"""Events and people as the notifications unit tests build them, and a clock they control."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID, uuid5

from services.notifications.domain.channels import Person
from shared.contracts import casework as c
from shared.contracts import referral as r
from shared.contracts.referral import ContactPreferences
from shared.workingdays import LONDON

REFERRAL_ID = UUID("0b6f3c1a-6a52-4c1e-9d3e-2f7c4a9b8e10")
CASE_ID = uuid5(REFERRAL_ID, "case")
VICTIM = uuid5(REFERRAL_ID, "victim")
OFFENDER = uuid5(REFERRAL_ID, "offender")
REFERRER = uuid5(REFERRAL_ID, "referrer")
CONFERENCE = UUID(int=7)
EVENT_ID = UUID(int=1)
MONDAY = datetime(2026, 10, 5, 10, 0, tzinfo=LONDON)


@dataclass
class Clock:
    """A clock the test moves by hand."""

    at: datetime = MONDAY

    def now(self) -> datetime:
        return self.at


def received(source: str = "self", at: datetime = MONDAY) -> r.ReferralReceived:
    referrer = None if source == "self" else r.Referrer(subject_id=REFERRER, organisation="Thames Valley Police")
    return r.ReferralReceived(
        referral_id=REFERRAL_ID, reference="REF-2026-000001", source=source, referrer=referrer,
        agency_id=None if source == "self" else "tvp",
        victim=r.Victim(subject_id=VICTIM, name="Alex Morgan", email="alex@example.org",
                        contact_preferences=ContactPreferences(channels=("email",))),
        offence=r.Offence(offence_type="burglary", area="Buckinghamshire"),
        criminal_justice_stage="pre_charge", initiated_by="victim", victim_aware_of_referral=True,
        received_at=at)


def opened() -> c.CaseOpened:
    return c.CaseOpened(case_id=CASE_ID, referral_id=REFERRAL_ID, reference="RJ-2026-000001")


def allocated() -> c.FacilitatorAllocated:
    return c.FacilitatorAllocated(case_id=CASE_ID, facilitator="ada", level="advanced", co_facilitator="finn",
                                  co_level="foundation", allocated_by="sam")


def scheduled(at: datetime = datetime(2026, 10, 20, 14, 0, tzinfo=LONDON)) -> c.ConferenceScheduled:
    return c.ConferenceScheduled(case_id=CASE_ID, subject_id=VICTIM, conference_id=CONFERENCE, at=at,
                                 venue="Aylesbury community centre", participants=("victim", "offender"))


def rescheduled(at: datetime) -> c.ConferenceRescheduled:
    return c.ConferenceRescheduled(case_id=CASE_ID, subject_id=VICTIM, conference_id=CONFERENCE, at=at)


def cancelled() -> c.ConferenceCancelled:
    return c.ConferenceCancelled(case_id=CASE_ID, conference_id=CONFERENCE, reason="victim unwell")


def reparation(*dues: date) -> c.ReparationAgreed:
    items = tuple(c.ReparationItem(item_id=UUID(int=100 + n), kind="apology", description="a letter of apology",
                                   due=due) for n, due in enumerate(dues))
    return c.ReparationAgreed(case_id=CASE_ID, subject_id=OFFENDER, agreement_id=UUID(int=99), items=items)


def person(channels=("email",), reachable=None, safe_times=None, may_leave_message=False, **flags) -> Person:
    prefs = ContactPreferences(channels=channels, safe_times=safe_times, may_leave_message=may_leave_message,
                               language="Polish")
    return Person(prefs, frozenset(channels if reachable is None else reachable), **flags)


def reassigned() -> c.FacilitatorReassigned:
    return c.FacilitatorReassigned(case_id=CASE_ID, facilitator="bea", level="advanced", reassigned_by="sam",
                                   reason="ada is on leave")

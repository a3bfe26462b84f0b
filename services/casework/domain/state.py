"""A case's history folded into what its rules need (DESIGN D6): its stage and side states, who
works it, the consents that stand, the risk assessments, letters, conferences and reparation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal
from uuid import UUID, uuid5

from shared.contracts.base import ERASED

Stage = Literal["referred", "triaged", "contacting", "assessing", "preparing", "delivering", "monitoring",
                "follow_up", "closed"]
STAGES: tuple[Stage, ...] = ("referred", "triaged", "contacting", "assessing", "preparing", "delivering",
                             "monitoring", "follow_up", "closed")
WORKING: tuple[Stage, ...] = STAGES[:-1]
"""Every stage of an open case."""
Level = Literal["foundation", "intermediate", "advanced"]
SignOff = Literal["none", "requested", "granted", "refused"]


@dataclass(frozen=True)
class Worker:
    username: str
    level: Level


@dataclass(frozen=True)
class Consent:
    consent_id: UUID
    party: str
    scope: str
    agency: str | None
    form: str


@dataclass(frozen=True)
class Letter:
    from_party: str
    status: Literal["received", "vetted", "delivered", "held"]


@dataclass(frozen=True)
class CaseState:
    case_id: UUID | None = None
    referral_id: UUID | None = None
    reference: str | None = None
    stage: Stage = "referred"
    stage_before_close: Stage | None = None
    closed_reason: str | None = None
    merged: bool = False
    on_hold: bool = False
    unsuitable: bool = False
    """The latest suitability decision found the case unsuitable: no joint work until one says otherwise."""
    sensitive: bool = False
    sign_off: SignOff = "none"
    lead: Worker | None = None
    co: Worker | None = None
    consents: Mapping[UUID, Consent] = field(default_factory=dict)
    """Consents that stand now: withdrawn ones are removed."""
    assessments: Mapping[UUID, str] = field(default_factory=dict)
    """Risk assessments by id, and whom each is of."""
    letters: Mapping[UUID, Letter] = field(default_factory=dict)
    conferences: Mapping[UUID, Literal["scheduled", "cancelled", "held"]] = field(default_factory=dict)
    reparation: Mapping[UUID, Literal["pending", "completed", "missed"]] = field(default_factory=dict)
    victim_details: tuple[str, ...] = ()
    """The victim's address, postcode, email and phone: what must never reach the offender's side."""
    possible_duplicate_of: UUID | None = None
    victim_subject: UUID | None = None
    offender_subject: UUID | None = None
    version: int = field(default=-1, compare=False)

    @property
    def opened(self) -> bool:
        return self.case_id is not None

    @property
    def closed(self) -> bool:
        return self.stage == "closed"

    @property
    def status(self) -> str:
        """What people see: a side state when the case is in one, else its stage. A closed case
        is in no side state, even with a sign-off request left open when it closed."""
        if self.closed:
            return "closed"
        if self.on_hold:
            return "on_hold"
        if self.sign_off == "requested":
            return "awaiting_sign_off"
        return self.stage

    def consent_stands(self, party: str, scope: str = "participation", *, written: bool = False) -> bool:
        return any(c.party == party and c.scope == scope and (c.form == "written" or not written)
                   for c in self.consents.values())

    def assessed(self, party: str) -> bool:
        return party in self.assessments.values()

    def works_on(self, username: str) -> bool:
        return any(w is not None and w.username == username for w in (self.lead, self.co))

    def subject(self, participant: str) -> UUID:
        """Whose key seals free text about ``participant``: the parties' own subjects, as the
        referral named them; one subject for a case's supporters until each is added by name."""
        known = {"victim": self.victim_subject, "offender": self.offender_subject}.get(participant)
        assert self.case_id is not None, "an opened case"
        return known or uuid5(self.case_id, participant)

    def pending_items(self) -> list[UUID]:
        return [item for item, status in self.reparation.items() if status == "pending"]


def advanced_to(state: CaseState, stage: Stage) -> CaseState:
    """The case moved on to ``stage`` if it is further along than where it is (never back)."""
    if state.closed or STAGES.index(stage) <= STAGES.index(state.stage):
        return state
    return replace(state, stage=stage)


# The state's mappings are never changed in place: each step makes new ones (copy on write).
def with_entry(mapping: Mapping, key, value) -> dict:
    return {**mapping, key: value}


def with_entries(mapping: Mapping, entries: Mapping) -> dict:
    return {**mapping, **entries}


def without_entry(mapping: Mapping, key) -> dict:
    return {k: v for k, v in mapping.items() if k != key}


def identifying(*values: str | None) -> tuple[str, ...]:
    """The values that identify or locate someone, ignoring what is absent or already erased."""
    return tuple(v for v in values if v and v != ERASED)


def case_stream(case_id: UUID) -> str:
    """The stream a case's events are recorded in (DESIGN D3)."""
    return f"case-{case_id}"

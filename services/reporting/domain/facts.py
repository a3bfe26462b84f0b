"""The rows the figures are computed over: one per case (no personal data: dimensions, moments and
yes/no flags, all from events), and one per follow-up survey answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from shared.periods import london_date


@dataclass(frozen=True)
class CaseFact:
    """What the events said of one case. Moments are the first time it happened, unless named otherwise."""

    case_id: UUID
    received_at: datetime | None = None
    source: str | None = None
    area: str | None = None
    offence_type: str | None = None
    cj_stage: str | None = None
    initiated_by: str | None = None
    acknowledged_at: datetime | None = None
    first_contact_attempt_at: datetime | None = None
    allocated_at: datetime | None = None
    first_preparation_on: date | None = None
    delivered_at: datetime | None = None
    closed_at: datetime | None = None
    closure_reason: str | None = None
    withdrawn_at: datetime | None = None
    contacted: bool = False
    victim_consented: bool = False
    offender_traced: bool = False
    offender_consented: bool = False
    delivered_direct: bool = False
    delivered_indirect: bool = False
    agreement: bool = False
    agreement_completed: bool = False
    victim_risk_assessed_at: datetime | None = None
    offender_risk_assessed_at: datetime | None = None
    victim_written_consent: bool = False
    offender_written_consent: bool = False
    sensitive: bool = False
    signed_off: bool = False

    @property
    def received_on(self) -> date | None:
        return london_date(self.received_at) if self.received_at else None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class FollowUp:
    """One party's answers to the outcome survey (FollowUpCompleted); None where not answered."""

    case_id: UUID
    party: str
    completed_at: datetime
    satisfied: bool | None = None
    would_recommend: bool | None = None
    better_able_to_cope: bool | None = None
    feels_safer: bool | None = None
    area: str | None = None
    source: str | None = None
    """The area and source of the case surveyed, for the filters."""

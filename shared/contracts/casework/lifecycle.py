"""A case opened, triaged, held, closed, reopened, merged; partner news noted on it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID, uuid5

from pydantic import Field

from shared.contracts.base import Personal
from shared.contracts.casework.base import CaseEvent, CaseParty, SubjectEvent
from shared.contracts.registry import contract

ClosureReason = Literal[
    "completed_direct", "completed_indirect", "victim_withdrew_or_declined", "offender_declined_or_withdrew",
    "unsuitable_on_risk", "offender_not_traced", "no_contact", "offender_deceased_or_deported",
    "referred_elsewhere", "duplicate",
]


def case_id_for(referral_id: UUID) -> UUID:
    """The one case a referral opens: its id derives from the referral's (DESIGN D8), so whoever
    holds the referral finds the case, and opening it twice opens one."""
    return uuid5(referral_id, "case")


@contract
class CaseOpened(CaseEvent):
    """A referral became a case (one per referral; the case id derives from the referral id)."""

    referral_id: UUID
    reference: str = Field(description="human reference, e.g. RJ-2026-000123")
    referral_reference: str | None = None
    received_at: datetime | None = None
    source: str | None = None
    offence_type: str | None = None
    area: str | None = None
    criminal_justice_stage: str | None = None
    initiated_by: str | None = None
    victim: CaseParty | None = None
    offender: CaseParty | None = None
    first_contact_due: date | None = Field(default=None, description="2 working days after the referral")
    possible_duplicate_of: UUID | None = Field(default=None, description="the earlier case of the same crime")


@contract
class CaseTriaged(CaseEvent):
    """A supervisor read the referral and accepted it for restorative work."""

    note: str | None = None


@contract
class CaseOnHold(CaseEvent):
    reason: str


@contract
class CaseResumed(CaseEvent):
    pass


@contract
class CaseClosed(CaseEvent):
    reason: ClosureReason
    note: str | None = None
    referral_id: UUID | None = Field(default=None, description="so the referral's status shows the outcome")


@contract
class CaseReopened(CaseEvent):
    reason: str
    referral_id: UUID | None = None


@contract
class CaseMerged(CaseEvent):
    """A possible duplicate confirmed: this case is closed into the earlier one."""

    into_case_id: UUID
    referral_id: UUID | None = None


@contract
class DuplicateKeptApart(CaseEvent):
    """A possible duplicate judged a separate matter: the link is dropped."""

    earlier_case_id: UUID


@contract
class PartnerUpdateNoted(SubjectEvent):
    """News from a partner agency about the referral behind this case; ``detail`` is sealed under
    the key of the person it is about (the offender's sentence, the victim's withdrawal)."""

    kind: Literal["custody_changed", "sentence_deferred", "sentenced", "referral_withdrawn"]
    detail: Personal[str | None] = None
    deferred_until: date | None = None

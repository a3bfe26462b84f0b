"""Partner updates that arrive as CloudEvents, and the events they become."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID, uuid5

from pydantic import Field

from services.referral.intake import PastDate, ReferralSubmission, Strict, Text
from shared.contracts.base import DomainEvent
from shared.contracts.referral import (
    Offender,
    OffenderCustodyChanged,
    ReferralWithdrawn,
    SentenceDeferred,
    SentenceRecorded,
)


class Withdrawal(Strict):
    referral_id: UUID
    reason: Text | None = None


class CustodyChange(Strict):
    referral_id: UUID
    custody_status: Literal["in_community", "in_custody", "on_licence", "unknown"]
    establishment: Text | None = Field(default=None, description="prison or approved premises, if any")
    effective_date: PastDate


class DeferredSentence(Strict):
    referral_id: UUID
    court: Text
    deferred_until: date = Field(description="the date sentence was deferred to (at most six months ahead)")


class Sentencing(Strict):
    referral_id: UUID
    court: Text
    sentenced_on: PastDate
    outcome: Text


UPDATE_TYPES: dict[str, type[Strict]] = {
    "rj.referral.withdrawn.v1": Withdrawal,
    "rj.offender.custody-changed.v1": CustodyChange,
    "rj.court.sentence-deferred.v1": DeferredSentence,
    "rj.court.sentenced.v1": Sentencing,
}
SUBMITTED = "rj.referral.submitted.v1"
ACCEPTED_TYPES = (SUBMITTED, *UPDATE_TYPES)
DATA_MODELS: dict[str, type[Strict]] = {SUBMITTED: ReferralSubmission, **UPDATE_TYPES}


def as_event(update: Strict) -> DomainEvent:
    """The domain event a validated partner update records."""
    match update:
        case Withdrawal():
            return ReferralWithdrawn(referral_id=update.referral_id, withdrawn_by="referrer", reason=update.reason)
        case CustodyChange():
            offender = Offender(subject_id=uuid5(update.referral_id, "offender"),
                                custody_status=update.custody_status, establishment=update.establishment)
            return OffenderCustodyChanged(referral_id=update.referral_id, offender=offender,
                                          effective_date=update.effective_date)
        case DeferredSentence():
            return SentenceDeferred(referral_id=update.referral_id, court=update.court,
                                    deferred_until=update.deferred_until)
        case Sentencing():
            return SentenceRecorded(referral_id=update.referral_id, court=update.court,
                                    sentenced_on=update.sentenced_on, outcome=update.outcome)
    raise TypeError(f"no event for {type(update).__name__}")


def check_deferral(update: Strict, today: date) -> str | None:
    """Sentence may be deferred for up to six months (Sentencing Act 2020, s.5)."""
    if isinstance(update, DeferredSentence):
        if update.deferred_until <= today:
            return "deferred_until: must be after today"
        if (update.deferred_until - today).days > 186:
            return "deferred_until: must be at most six months ahead"
    return None

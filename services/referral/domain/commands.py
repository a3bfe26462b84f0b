"""What partners and victims ask of the referral service.

A partner's update is validated at the edge against its model here (unknown fields refused), and
the same model is the command the rules decide on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from pydantic import Field

from services.referral.domain.submission import DateText, PastDate, ReferralSubmission, Strict, Text


@dataclass(frozen=True)
class ReceiveReferral:
    """Record a new referral. ``agency_id`` is None when the victim refers themselves; a repeat
    with the same ``idempotency_key`` (and the same submission) records nothing new."""

    submission: ReferralSubmission
    agency_id: str | None
    idempotency_key: str | None = None


class WithdrawReferral(Strict):
    """The referrer withdraws the referral."""

    referral_id: UUID
    reason: Text | None = None


class ChangeCustody(Strict):
    """The offender moved into or out of custody."""

    referral_id: UUID
    custody_status: Literal["in_community", "in_custody", "on_licence", "unknown"]
    establishment: Text | None = Field(default=None, description="prison or approved premises, if any")
    effective_date: PastDate


class DeferSentence(Strict):
    """A court deferred sentence: the window for pre-sentence restorative justice."""

    referral_id: UUID
    court: Text
    # Its range (after today, at most six months ahead) is a rule, decided with the day it is judged on.
    deferred_until: DateText = Field(description="YYYY-MM-DD, the date sentence was deferred to: after today"
                                                 " and at most six months ahead")


class RecordSentence(Strict):
    """The offender was sentenced."""

    referral_id: UUID
    court: Text
    sentenced_on: PastDate
    outcome: Text


PartnerUpdate = WithdrawReferral | ChangeCustody | DeferSentence | RecordSentence


@dataclass(frozen=True)
class SentUpdate:
    """One update as a partner sent it: ``(source, id)`` identify it, so a resend records nothing;
    ``at`` is where its data sat in the request, to point at a field a rule refuses."""

    source: str
    id: str
    update: PartnerUpdate
    at: tuple[str | int, ...] = ("data",)


@dataclass(frozen=True)
class SentReferral:
    """One referral sent among a partner's events, identified by ``(source, id)`` like an update."""

    source: str
    id: str
    submission: ReferralSubmission
    at: tuple[str | int, ...] = ("data",)


@dataclass(frozen=True)
class RecordPartnerEvents:
    """Record a partner's referrals and updates together: all of them, or, if a rule refuses
    any one, none."""

    agency_id: str
    items: tuple[SentReferral | SentUpdate, ...]


@dataclass(frozen=True)
class RevokeProgressLink:
    """Staff stop every progress link sent to the victim so far (a new one may be sent after)."""

    referral_id: UUID
    reason: str
    revoked_by: str


@dataclass(frozen=True)
class RecordProgressView:
    """Record that the victim's progress page was shown (every view is kept, for the audit record)."""

    referral_id: UUID
    stage: str

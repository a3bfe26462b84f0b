"""Events the referral service records (stream category ``referral``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID, uuid5

from pydantic import Field

from shared.contracts.base import Contract, DataSubject, DomainEvent, Personal
from shared.contracts.registry import contract, upcaster

ReferralSource = Literal[
    "self", "victims_first_hub", "police", "probation_victim_liaison", "prison",
    "youth_offending_team", "victim_support", "court", "other",
]
CriminalJusticeStage = Literal[
    "pre_charge", "pre_sentence", "post_sentence", "in_custody", "on_licence", "no_offender_identified",
    "unknown",
]
Channel = Literal["phone", "sms", "email", "letter", "in_person"]
Initiator = Literal["victim", "offender", "agency"]


class Referrer(DataSubject):
    """Who made the referral on the victim's behalf (absent for a self-referral). The officer or
    caseworker is a person too: their name and contact details are sealed under their own key."""

    organisation: str
    name: Personal[str | None] = None
    email: Personal[str | None] = None
    phone: Personal[str | None] = None


class ContactPreferences(Contract):
    """How and when it is safe to contact the victim (Victims' Code; DOMAIN rules)."""

    channels: tuple[Channel, ...]
    safe_times: Personal[str | None] = Field(
        default=None, description="when contact is safe: it tells where the victim is, so it is sealed")
    may_leave_message: bool = False
    language: str = "English"
    interpreter_needed: bool = False


class Victim(DataSubject):
    """The person harmed. Every identifying field is sealed under their own key."""

    name: Personal[str]
    date_of_birth: Personal[date | None] = None
    email: Personal[str | None] = None
    phone: Personal[str | None] = None
    address: Personal[str | None] = None
    postcode: Personal[str | None] = None
    safe_contact_notes: Personal[str | None] = None
    access_needs: Personal[str | None] = None
    contact_preferences: ContactPreferences


class Offender(DataSubject):
    """The person responsible, when known."""

    name: Personal[str | None] = None
    date_of_birth: Personal[date | None] = None
    known_to_victim: bool | None = None
    custody_status: Literal["in_community", "in_custody", "on_licence", "unknown"] = "unknown"
    establishment: Personal[str | None] = None


class Offence(Contract):
    crime_reference: str | None = None
    offence_type: str
    offence_date: date | None = None
    area: str
    description: Personal[str | None] = None


class ReferralEvent(DomainEvent, producer="referral", category="referral"):
    """An event the referral service records, in a ``referral-<uuid>`` stream."""


@contract
class ReferralReceived(ReferralEvent):
    personal_data_of = "victim"  # what happened, and their hopes, are theirs
    schema_version = 2  # 2: the referrer is a data subject (their details sealed)

    referral_id: UUID
    reference: str = Field(description="human reference, e.g. REF-2026-000123")
    source: ReferralSource
    referrer: Referrer | None = None
    agency_id: str | None = Field(default=None, description="the partner agency that posted it")
    victim: Victim
    offence: Offence
    offender: Offender | None = None
    criminal_justice_stage: CriminalJusticeStage
    initiated_by: Initiator
    victim_aware_of_referral: bool
    hopes: Personal[str | None] = None
    possible_duplicate_of: UUID | None = None
    received_at: datetime
    request_digest: str | None = Field(
        default=None, description="keyed digest of the request that made it: a retry under the same "
                                  "Idempotency-Key matches it, a different body does not")


@upcaster("ReferralReceived", 1)
def _referrer_as_subject(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept the referrer's details in clear, without a subject of their own."""
    if data.get("referrer") is not None:
        subject = uuid5(UUID(data["referral_id"]), "referrer")
        data = {**data, "referrer": {**data["referrer"], "subject_id": str(subject)}}
    return data


@contract
class ReferralAcknowledged(ReferralEvent):

    referral_id: UUID
    channel: Channel


@contract
class ReferralDeclined(ReferralEvent):

    referral_id: UUID
    reason: str


@contract
class ReferralWithdrawn(ReferralEvent):
    personal_data_of = "victim_subject_id"  # a referrer's reason is free text about the victim

    referral_id: UUID
    withdrawn_by: Initiator | Literal["referrer"]
    reason: Personal[str | None] = None
    victim_subject_id: UUID | None = Field(default=None, description="whose key seals the reason")


@contract
class OffenderCustodyChanged(ReferralEvent):
    """A partner agency reports that the offender moved into or out of custody."""


    referral_id: UUID
    offender: Offender
    effective_date: date


@contract
class SentenceDeferred(ReferralEvent):
    """A court deferred sentence (up to six months): the window for pre-sentence RJ."""


    referral_id: UUID
    court: str
    deferred_until: date


@contract
class SentenceRecorded(ReferralEvent):

    personal_data_of = "offender_subject_id"  # a sentence is criminal-offence data about the offender

    referral_id: UUID
    court: str
    sentenced_on: date
    outcome: Personal[str]
    offender_subject_id: UUID | None = Field(default=None, description="whose key seals the outcome")


@contract
class ProgressLinkRevoked(ReferralEvent):
    """Staff stopped the victim's private progress links: every link made before now no longer works
    (a link sent after it does). The reason may say something of the victim's life: it is sealed."""

    personal_data_of = "victim_subject_id"

    referral_id: UUID
    reason: Personal[str] = Field(description="why, for the audit record (e.g. 'sent to the wrong address')")
    victim_subject_id: UUID = Field(description="whose key seals the reason")
    revoked_by: str
    revoked_at: datetime = Field(description="links issued at or before this moment no longer work")


class ProgressEvent(DomainEvent, producer="referral", category="progress"):
    """A record of a view of a referral's progress page, in a ``progress-<referral id>`` stream, so a
    view never changes the referral's own version."""

    referral_id: UUID


@contract
class ProgressPageViewed(ProgressEvent):
    """Someone holding the victim's private link opened the progress page."""

    stage: str

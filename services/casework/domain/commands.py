"""What facilitators and supervisors ask of a case, each the JSON body of its action
(``POST /api/v1/cases/{case_id}/<action>``) and the command the rules decide on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.casework.consent import Scope
from shared.contracts.casework.equality import AgeBand, Disability, Ethnicity, Sex
from shared.contracts.casework.lifecycle import ClosureReason
from shared.contracts.casework.preparation import Process, RiskLevel
from shared.contracts.casework.triage import SensitivityReason
from shared.contracts.referral import Channel

Text = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=8000)]
Party = Literal["victim", "offender"]
Participant = Literal["victim", "offender", "supporter"]


class Action(BaseModel):
    """Unknown fields are an error: a typo must not silently drop what someone meant to record."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def action_path(action: type) -> str:
    """``AllocateFacilitator`` → ``allocate-facilitator``: the action's path on pages and in the API."""
    words = "".join(f"-{ch.lower()}" if ch.isupper() else ch for ch in action.__name__).strip("-")
    return words.replace("r-j-", "rj-")


# -- triage and allocation -----------------------------------------------------------------------
class TriageCase(Action):
    note: LongText | None = None


class FlagSensitive(Action):
    reasons: tuple[SensitivityReason, ...] = Field(min_length=1)


class RequestSignOff(Action):
    note: LongText | None = None


class GrantSignOff(Action):
    pass


class RefuseSignOff(Action):
    reason: LongText


class AllocateFacilitator(Action):
    facilitator: Text
    co_facilitator: Text | None = None


class ReassignFacilitator(Action):
    facilitator: Text
    co_facilitator: Text | None = None
    reason: LongText


# -- contact --------------------------------------------------------------------------------------
class RecordContactAttempt(Action):
    party: Party
    channel: Channel
    outcome: Literal["reached", "no_answer", "message_left", "wrong_details", "not_safe_to_talk"]
    note: LongText | None = None


class GiveRJInformation(Action):
    party: Party


class ConfirmVictimInterest(Action):
    pass


class RecordVictimDeclined(Action):
    reason: LongText | None = None


class RecordOffenderTraced(Action):
    through: Literal["police", "probation", "prison", "youth_offending_team", "other"]


class RecordOffenderApproached(Action):
    pass


class AcknowledgeResponsibility(Action):
    pass


class RecordOffenderDeclined(Action):
    reason: LongText | None = None


# -- assessment, consent, preparation -------------------------------------------------------------
class CompleteRiskAssessment(Action):
    party: Participant
    level: RiskLevel
    factors: LongText | None = None
    review_date: date


class ReviewRiskAssessment(Action):
    assessment_id: UUID
    level: RiskLevel
    factors: LongText | None = None
    review_date: date


class DecideSuitability(Action):
    suitable: bool
    reason: LongText | None = None


class GiveConsent(Action):
    party: Participant
    scope: Scope
    agency: Text | None = Field(default=None, description="required for information_sharing: with whom")
    form: Literal["written", "verbal"]


class WithdrawConsent(Action):
    consent_id: UUID
    reason: LongText | None = None


class HoldPreparationMeeting(Action):
    party: Participant
    held_on: date


class AddSupporter(Action):
    name: Text
    relationship: Text | None = None
    supports: Party


class ChooseProcess(Action):
    process: Process


# -- delivery -------------------------------------------------------------------------------------
class DeliverShuttleMessage(Action):
    direction: Literal["victim_to_offender", "offender_to_victim"]
    medium: Literal["spoken", "written", "recorded"]
    summary: LongText


class ReceiveLetter(Action):
    from_party: Party
    content: LongText


class VetLetter(Action):
    letter_id: UUID
    content: LongText = Field(description="the letter as it may be delivered, identifying details removed")


class DeliverLetter(Action):
    letter_id: UUID


class ScheduleConference(Action):
    at: datetime
    venue: Text
    participants: tuple[Text, ...] = Field(min_length=2)
    safety_plan: LongText | None = None


class RescheduleConference(Action):
    conference_id: UUID
    at: datetime
    venue: Text | None = None


class CancelConference(Action):
    conference_id: UUID
    reason: LongText


class HoldConference(Action):
    conference_id: UUID
    held_at: datetime


# -- outcome and follow-up ------------------------------------------------------------------------
class ReparationItemIn(Action):
    kind: Literal["apology", "direct_reparation", "indirect_reparation", "undertaking", "other"]
    description: LongText
    due: date


class AgreeReparation(Action):
    items: tuple[ReparationItemIn, ...] = Field(min_length=1, max_length=50)


class CompleteReparationItem(Action):
    item_id: UUID
    on: date


class MissReparationItem(Action):
    item_id: UUID
    on: date


class SubmitCourtReport(Action):
    court: Text
    submitted_on: date


class CompleteFollowUp(Action):
    party: Party
    satisfied: bool | None = None
    would_recommend: bool | None = None
    better_able_to_cope: bool | None = None
    feels_safer: bool | None = None


class RecordEqualityMonitoring(Action):
    """A party's own answers to the monitoring questions; "prefer not to say" is an answer."""

    party: Party
    age_band: AgeBand
    sex: Sex
    ethnicity: Ethnicity
    disability: Disability


class RaiseSafeguardingConcern(Action):
    party: Participant
    concern: LongText


class SignpostToSupport(Action):
    party: Participant
    service: Text


# -- lifecycle ------------------------------------------------------------------------------------
class PutOnHold(Action):
    reason: LongText


class Resume(Action):
    pass


class CloseCase(Action):
    reason: ClosureReason
    note: LongText | None = None


class ReopenCase(Action):
    reason: LongText


class MergeDuplicate(Action):
    """Close this case into the earlier one it was linked to as a possible duplicate."""


class KeepApart(Action):
    """The possible duplicate is a separate matter."""


@dataclass(frozen=True)
class OpenCase:
    """The reaction to ``ReferralReceived``: one case per referral (not a person's action)."""

    case_id: UUID
    referral_id: UUID
    reference: str
    referral_reference: str
    received_at: datetime
    source: str
    offence_type: str
    area: str
    criminal_justice_stage: str
    initiated_by: str
    victim: dict
    offender: dict | None
    victim_date_of_birth: date | None
    offender_date_of_birth: date | None
    possible_duplicate_of: UUID | None


@dataclass(frozen=True)
class NotePartnerUpdate:
    """The reaction to a partner's news about the referral behind a case."""

    kind: Literal["custody_changed", "sentence_deferred", "sentenced", "referral_withdrawn"]
    detail: str | None
    about_subject: UUID
    deferred_until: date | None = None

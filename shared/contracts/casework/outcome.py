"""What came of it: reparation, court reports, follow-up, safeguarding and support."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Contract, Personal
from shared.contracts.casework.base import CaseEvent, Participant, Party, SubjectEvent
from shared.contracts.registry import contract


class ReparationItem(Contract):
    item_id: UUID
    kind: Literal["apology", "direct_reparation", "indirect_reparation", "undertaking", "other"]
    description: Personal[str]
    due: date


@contract
class ReparationAgreed(SubjectEvent):
    """Sealed under the offender's key: what they undertook to do."""

    agreement_id: UUID
    items: tuple[ReparationItem, ...] = Field(min_length=1)


@contract
class ReparationItemCompleted(CaseEvent):
    item_id: UUID
    on: date


@contract
class ReparationItemMissed(CaseEvent):
    item_id: UUID
    on: date


@contract
class CourtReportSubmitted(CaseEvent):
    court: str
    submitted_on: date


@contract
class FollowUpCompleted(CaseEvent):
    """The outcome survey: the figures commissioners ask for (no free text, nothing identifying)."""

    party: Party
    satisfied: bool | None = None
    would_recommend: bool | None = None
    better_able_to_cope: bool | None = None
    feels_safer: bool | None = None


@contract
class SafeguardingConcernRaised(SubjectEvent):
    party: Participant
    concern: Personal[str]


@contract
class SignpostedToSupport(CaseEvent):
    party: Participant
    service: str

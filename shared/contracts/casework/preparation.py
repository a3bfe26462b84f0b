"""Assessing risk and suitability, preparing the people, choosing the process."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from shared.contracts.base import DataSubject, Personal
from shared.contracts.casework.base import CaseEvent, Participant, Party, SubjectEvent
from shared.contracts.registry import contract

Process = Literal["shuttle", "letters", "recorded_message", "conference"]
RiskLevel = Literal["low", "medium", "high"]


@contract
class RiskAssessmentCompleted(SubjectEvent):
    assessment_id: UUID
    party: Participant
    level: RiskLevel
    factors: Personal[str | None] = None
    review_date: date


@contract
class RiskAssessmentReviewed(SubjectEvent):
    assessment_id: UUID
    level: RiskLevel
    factors: Personal[str | None] = None
    review_date: date


@contract
class SuitabilityDecided(CaseEvent):
    suitable: bool
    reason: str | None = None


@contract
class PreparationMeetingHeld(CaseEvent):
    party: Participant
    held_on: date


class Supporter(DataSubject):
    """Someone who comes with a party (a relative, a friend, a support worker)."""

    name: Personal[str]
    relationship: str | None = None


@contract
class SupporterAdded(CaseEvent):
    supporter: Supporter
    supports: Party


@contract
class ProcessChosen(CaseEvent):
    process: Process

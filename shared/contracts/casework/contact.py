"""Reaching the parties: attempts, information about RJ, and each side's answer."""

from __future__ import annotations

from typing import Literal

from shared.contracts.base import Personal
from shared.contracts.casework.base import CaseEvent, Party, SubjectEvent
from shared.contracts.referral import Channel
from shared.contracts.registry import contract


@contract
class ContactAttempted(SubjectEvent):
    party: Party
    channel: Channel
    outcome: Literal["reached", "no_answer", "message_left", "wrong_details", "not_safe_to_talk"]
    note: Personal[str | None] = None


@contract
class RJInformationGiven(CaseEvent):
    party: Party


@contract
class VictimInterestConfirmed(CaseEvent):
    pass


@contract
class VictimDeclined(CaseEvent):
    reason: str | None = None


@contract
class OffenderTraced(CaseEvent):
    through: Literal["police", "probation", "prison", "youth_offending_team", "other"]


@contract
class OffenderApproached(CaseEvent):
    pass


@contract
class ResponsibilityAcknowledged(CaseEvent):
    pass


@contract
class OffenderDeclined(CaseEvent):
    reason: str | None = None

"""Sensitivity, supervisor sign-off and who works the case."""

from __future__ import annotations

from typing import Literal

from shared.contracts.casework.base import CaseEvent
from shared.contracts.registry import contract

SensitivityReason = Literal[
    "domestic_abuse", "sexual_offence", "hate_crime", "stalking", "trafficking", "child_exploitation",
    "homicide", "child_victim", "child_offender",
]
Level = Literal["foundation", "intermediate", "advanced"]


@contract
class CaseFlaggedSensitive(CaseEvent):
    """Needs an advanced-level facilitator and a supervisor's sign-off before any joint work."""

    reasons: tuple[SensitivityReason, ...]


@contract
class SignOffRequested(CaseEvent):
    requested_by: str
    note: str | None = None


@contract
class SignOffGranted(CaseEvent):
    supervisor: str


@contract
class SignOffRefused(CaseEvent):
    supervisor: str
    reason: str


@contract
class FacilitatorAllocated(CaseEvent):
    facilitator: str
    level: Level
    co_facilitator: str | None = None
    co_level: Level | None = None
    allocated_by: str


@contract
class FacilitatorReassigned(CaseEvent):
    facilitator: str
    level: Level
    co_facilitator: str | None = None
    co_level: Level | None = None
    reassigned_by: str
    reason: str

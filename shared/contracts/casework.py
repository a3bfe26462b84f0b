"""Events the casework service records (stream category ``case``)."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.base import DomainEvent
from shared.contracts.registry import contract


@contract
class CaseOpened(DomainEvent):
    event_type: ClassVar[str] = "CaseOpened"
    producer: ClassVar[str] = "casework"
    category: ClassVar[str] = "case"

    case_id: UUID
    referral_id: UUID
    reference: str = Field(description="human reference, e.g. RJ-2026-000123")

"""Events the casework service records (stream category ``case``)."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from shared.contracts.base import DomainEvent
from shared.contracts.registry import contract


class CaseEvent(DomainEvent, producer="casework", category="case"):
    """An event the casework service records, in a ``case-<uuid>`` stream."""


@contract
class CaseOpened(CaseEvent):
    case_id: UUID
    referral_id: UUID
    reference: str = Field(description="human reference, e.g. RJ-2026-000123")

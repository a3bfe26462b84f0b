"""Events the reporting service records (stream category ``report``).

Reporting has no key access (DESIGN D5), so nothing it records may carry personal data: an
auditor is named by their user name, a case by its id and human reference.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import DomainEvent
from shared.contracts.registry import contract


class ReportEvent(DomainEvent, producer="reporting", category="report"):
    """An event the reporting service records, in a ``report-…`` stream."""


@contract
class CaseHistoryAudited(ReportEvent):
    """An auditor read a case's verified history (DOMAIN: every read by an auditor is recorded).
    Kept in the case's own ``report-audit-<case id>`` stream; the auditor is the event's actor."""

    case_id: UUID
    case_reference: str = Field(description="the human reference asked for, e.g. RJ-2026-000123")
    view: Literal["page", "api"] = Field(description="the history page, or its JSON Lines API")
    at_moment: datetime | None = Field(default=None,
                                       description="the moment whose state was replayed, if one was asked for")

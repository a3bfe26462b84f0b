"""Who read which case, and what of it (DOMAIN: every read by a person is recorded, for auditors).
Kept in a stream of its own per case (``access-<case id>``), so reading a case never changes the
case's own version, and no one's reading gets in the way of someone's acting."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from shared.contracts.base import DomainEvent
from shared.contracts.registry import contract


class AccessEvent(DomainEvent, producer="casework", category="access"):
    """A record of access to a case, in an ``access-<case id>`` stream."""

    case_id: UUID


@contract
class CaseAccessed(AccessEvent):
    view: Literal["case", "timeline", "list"]
    purpose: str | None = None

"""Events the notifications service records (stream category ``notification``)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from shared.contracts.base import DomainEvent
from shared.contracts.registry import contract


@contract
class ReminderRaised(DomainEvent):
    """A Victims' Code deadline is close and the work it asks for is not done yet."""

    event_type: ClassVar[str] = "ReminderRaised"
    producer: ClassVar[str] = "notifications"
    category: ClassVar[str] = "notification"

    notification_id: UUID
    referral_id: UUID
    duty: Literal["acknowledge_referral", "attempt_contact"]
    due_at: datetime

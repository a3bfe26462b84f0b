"""Events the notifications service records (stream category ``notification``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from shared.contracts.base import DomainEvent
from shared.contracts.registry import contract


class NotificationEvent(DomainEvent, producer="notifications", category="notification"):
    """An event the notifications service records, in a ``notification-<uuid>`` stream."""


@contract
class ReminderRaised(NotificationEvent):
    """A Victims' Code deadline is close and the work it asks for is not done yet."""

    notification_id: UUID
    referral_id: UUID
    duty: Literal["acknowledge_referral", "attempt_contact"]
    due_at: datetime

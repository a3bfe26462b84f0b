"""Events the notifications service records (stream category ``notification``).

None carries an address, a phone number or a message's text: a recipient is named by role and
by the data subject id (or a staff member's user name) whose details the sender looked up when it
sent, so erasing a person leaves nothing of theirs here to shred.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import DomainEvent
from shared.contracts.referral import Channel
from shared.contracts.registry import contract

RecipientRole = Literal["victim", "offender", "supporter", "participant", "referrer", "facilitator", "supervisor"]
"""Who a notification is for, as the rules name them."""
SuppressionReason = Literal[
    "no_consent", "unsafe_channel", "unsafe_time", "safe_times_unclear", "erased", "withdrawn",
    "no_contact_details",
]
"""Why a notification was not sent: each one a facilitator reads and may act on."""
Duty = Literal["acknowledge_referral", "attempt_contact", "complete_reparation_item"]
"""Work with a deadline that the service reminds about and records as missed."""


class NotificationEvent(DomainEvent, producer="notifications", category="notification"):
    """An event the notifications service records, in a ``notification-<uuid>`` stream."""


class Addressed(NotificationEvent):
    """One notification to one recipient: ``notification_id`` is its idempotency key."""

    notification_id: UUID = Field(description="uuid5 of (source event, recipient, template): one per send")
    source_event_id: UUID = Field(description="the event whose rule asked for it")
    recipient_role: RecipientRole
    recipient_id: str = Field(description="the data subject id, or a staff member's user name")
    template: str


@contract
class ReminderRaised(NotificationEvent):
    """A Victims' Code deadline is close and the work it asks for is not done yet."""

    notification_id: UUID
    referral_id: UUID
    duty: Literal["acknowledge_referral", "attempt_contact"]
    due_at: datetime


@contract
class NotificationSent(Addressed):
    """A provider accepted the notification for delivery."""

    channel: Channel
    provider_reference: str | None = Field(default=None, description="the provider's id of the message")


@contract
class NotificationFailed(Addressed):
    """A send did not go through; a permanent failure is not retried."""

    channel: Channel
    reason: str = Field(description="the provider's error code or status, never the message or address")
    attempt: int = Field(ge=1)
    permanent: bool


@contract
class NotificationSuppressed(Addressed):
    """A notification the safety rules stopped; the case's facilitator sees it and the reason."""

    reason: SuppressionReason
    detail: str = Field(description="the rule in words, from the service's own wording; no personal data")


@contract
class DeadlineMissed(NotificationEvent):
    """A deadline passed with its duty not done; the supervisor is told."""

    notification_id: UUID
    duty: Duty
    due_at: datetime
    referral_id: UUID | None = None
    case_id: UUID | None = None
    about_id: UUID | None = Field(default=None, description="the reparation item, when the duty is one")

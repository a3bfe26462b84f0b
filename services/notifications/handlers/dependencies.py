"""What the notifications handlers need, as ports: real ones from ``bootstrap``, fakes in unit tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from services.notifications.adapters.delivery import EmailSender, LetterSender, SmsSender
from services.notifications.adapters.staff import StaffDirectory
from services.notifications.adapters.templates import FileTemplates, Renderer
from services.notifications.adapters.timers import Timers
from services.notifications.domain.channels import CIVIL_HOURS, Hours
from shared.crypto.sealing import SealingKeys
from shared.eventstore.port import EventStore


class Clock:
    """The time the service goes by: the real one, unless a test sets it (``set``)."""

    def __init__(self, fixed: datetime | None = None):
        self.fixed = fixed

    def now(self) -> datetime:
        return self.fixed or datetime.now(UTC)

    def set(self, moment: datetime | None) -> None:
        self.fixed = moment


@dataclass(frozen=True)
class Senders:
    """The providers the service can send by; a channel without one is never chosen."""

    email: EmailSender | None = None
    sms: SmsSender | None = None
    letter: LetterSender | None = None

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(name for name in ("email", "sms", "letter") if getattr(self, name) is not None)


@dataclass(frozen=True)
class Dependencies:
    store: EventStore
    keys: SealingKeys
    timers: Timers | None = None
    senders: Senders = field(default_factory=Senders)
    """Without any (no SMTP server, no Notify key), nothing is sent: due messages wait."""
    staff: StaffDirectory | None = None
    renderer: Renderer = field(default_factory=FileTemplates)
    clock: Clock = field(default_factory=Clock)
    progress_link: Callable[[UUID], str] | None = None
    """A new private link to a referral's progress page (the referral service serves it)."""
    casework_url: str = "http://localhost:8001"
    civil_hours: Hours = CIVIL_HOURS
    """When anyone may be contacted at all (``RJ_CONTACT_HOURS``)."""
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when a timer is scheduled, so the loop looks at once rather than at its next turn."""

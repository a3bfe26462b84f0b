"""What the notifications handlers need, as ports: real ones from ``bootstrap``, fakes in unit tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.notifications.adapters.delivery import EmailSender
from services.notifications.adapters.templates import FileTemplates, Renderer
from services.notifications.adapters.timers import Timers
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
class Dependencies:
    store: EventStore
    keys: SealingKeys
    timers: Timers | None = None
    email: EmailSender | None = None
    """None when no SMTP server is configured: messages are then not sent (and logged)."""
    renderer: Renderer = field(default_factory=FileTemplates)
    clock: Clock = field(default_factory=Clock)
    progress_url: str = "http://localhost:8000/"
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when a timer is scheduled, so the loop looks at once rather than at its next turn."""

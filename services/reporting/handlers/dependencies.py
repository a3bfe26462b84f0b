"""What the reporting handlers need, as ports. No keys: reporting never sees personal data (D5)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.eventstore.port import EventStore


@dataclass(frozen=True)
class Dependencies:
    store: EventStore

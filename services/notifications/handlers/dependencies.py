"""What the notifications handlers need, as ports: real ones from ``bootstrap``, fakes in unit tests."""

from __future__ import annotations

from dataclasses import dataclass

from shared.crypto.sealing import SealingKeys
from shared.eventstore.port import EventStore


@dataclass(frozen=True)
class Dependencies:
    store: EventStore
    keys: SealingKeys

"""What the referral handlers need, as ports: built from real adapters by ``bootstrap``, and
from the in-memory store and fakes by the unit tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.referral.adapters.duplicate_index import DuplicateIndex
from services.referral.adapters.references import ReferenceNumbers
from shared.clock import now
from shared.crypto.sealing import DisposableKeys
from shared.eventstore.port import EventStore


def utc_now() -> datetime:
    """The real time, or the request's demo time where the demo clock is on (``shared.clock``)."""
    return now()


@dataclass(frozen=True)
class Dependencies:
    store: EventStore
    keys: DisposableKeys
    duplicates: DuplicateIndex
    references: ReferenceNumbers
    fingerprint_key: bytes
    duplicate_window: timedelta = timedelta(days=90)
    clock: Callable[[], datetime] = field(default=utc_now)

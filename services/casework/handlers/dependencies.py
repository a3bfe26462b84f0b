"""What the casework handlers need, as ports: real ones from ``bootstrap``, fakes in unit tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from services.casework.adapters.references import CaseReferences
from services.casework.adapters.staff import StaffDirectory
from shared.clock import now
from shared.eventstore.port import EventStore


class CaseKeys(Protocol):
    """Casework seals what it records and opens what it reads (it has key access, D5)."""

    async def key_for_sealing(self, subject_id: UUID) -> bytes | None: ...

    async def keys_for_opening(self, subject_ids: Any) -> dict[UUID, bytes]: ...


def utc_now() -> datetime:
    """The real time, or the request's demo time where the demo clock is on (``shared.clock``)."""
    return now()


@dataclass(frozen=True)
class Dependencies:
    store: EventStore
    keys: CaseKeys
    references: CaseReferences
    staff: StaffDirectory
    clock: Callable[[], datetime] = field(default=utc_now)

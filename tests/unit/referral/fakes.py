"""In-memory stand-ins for the referral service's ports, with the Postgres adapters' semantics.

Each fake method yields to the event loop once, as the real adapters do while they wait on the
database, so that concurrent requests interleave in the tests as they would in production."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from services.referral.adapters.duplicate_index import MOST_RECENT
from services.referral.domain.duplicates import EarlierReferral
from services.referral.handlers import Dependencies
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.port import Position
from shared.numbering import parts
from shared.numbering import reference as numbered

NOW = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
"""The fixed 'now' of every test, after the example's offence date (2026-09-14)."""

FINGERPRINT_KEY = b"f" * 32


@dataclass(frozen=True)
class IndexedReferral:
    referral_id: UUID
    crime_reference: str | None
    fingerprint: str
    victim_subject: UUID
    received_at: datetime


class FakeDuplicateIndex:
    """``referral.duplicate_index``: one row per referral; matched on the crime reference in any
    case and the victim fingerprint, most recent first, at most ``MOST_RECENT``."""

    def __init__(self) -> None:
        self.rows: dict[UUID, IndexedReferral] = {}

    async def matching(self, crime_reference: str, fingerprint: str) -> list[EarlierReferral]:
        await asyncio.sleep(0)
        found = [r for r in self.rows.values() if r.crime_reference is not None
                 and r.crime_reference.upper() == crime_reference.upper() and r.fingerprint == fingerprint]
        found.sort(key=lambda r: r.received_at, reverse=True)
        return [EarlierReferral(r.referral_id, r.received_at) for r in found[:MOST_RECENT]]

    async def add(self, referral_id: UUID, crime_reference: str | None, fingerprint: str, victim_subject: UUID,
                  received_at: datetime) -> None:
        await asyncio.sleep(0)
        self.rows.setdefault(referral_id, IndexedReferral(referral_id, crime_reference, fingerprint,
                                                          victim_subject, received_at))


class FakeReferenceNumbers:
    """``referral.reference_seq`` and ``referral.returned_references``: a returned number is
    handed out again (lowest first) before the sequence moves on."""

    def __init__(self, start: int = 1) -> None:
        self._next = start
        self.returned: set[tuple[int, int]] = set()

    async def next(self, year: int) -> str:
        await asyncio.sleep(0)
        mine = sorted(n for y, n in self.returned if y == year)
        if mine:
            self.returned.discard((year, mine[0]))
            return numbered("REF", year, mine[0])
        number, self._next = self._next, self._next + 1
        return numbered("REF", year, number)

    async def release(self, value: str) -> None:
        await asyncio.sleep(0)
        self.returned.add(parts(value))


class InMemoryKeys:
    """Both key protocols: a random 32-byte key per data subject, made when first sealed for."""

    def __init__(self) -> None:
        self.keys: dict[UUID, bytes] = {}

    async def key_for_sealing(self, subject_id: UUID) -> bytes | None:
        await asyncio.sleep(0)
        return self.keys.setdefault(subject_id, os.urandom(32))

    async def keys_for_opening(self, subject_ids: Iterable[UUID]) -> dict[UUID, bytes]:
        await asyncio.sleep(0)
        return {s: self.keys[s] for s in subject_ids if s in self.keys}

    async def discard(self, subject_ids: Iterable[UUID]) -> None:
        await asyncio.sleep(0)
        for subject in subject_ids:
            self.keys.pop(subject, None)


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def dependencies(**overrides: Any) -> Dependencies:
    """The referral handlers' ports, all in memory; any of them replaced by keyword."""
    built = Dependencies(
        store=InMemoryEventStore(), keys=InMemoryKeys(),
        duplicates=FakeDuplicateIndex(), references=FakeReferenceNumbers(), fingerprint_key=FINGERPRINT_KEY,
        clock=FixedClock(),
    )
    return replace(built, **overrides)


async def count_events(store: InMemoryEventStore) -> int:
    """How many events the store holds, in every stream."""
    return len(await store.read_all(Position.start(), limit=100_000))

"""Durable timers: rows in ``notifications.timers``, so they survive restarts and fire once.

A batch of due timers is claimed by leasing them (``FOR UPDATE SKIP LOCKED`` in one short
statement): two replicas never take the same row, no transaction stays open while a provider is
slow, and a timer worked but not marked (a crash, a stop) is taken again once its lease runs out,
whose work checks the notification's stream first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class TimerRow:
    """A timer as stored: ``payload`` holds ids and dates only."""

    key: UUID
    kind: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int = 0


@dataclass
class Claim:
    """Due timers taken for work; what became of each is said before the claim ends."""

    rows: list[TimerRow]
    fired: set[UUID] = field(default_factory=set)
    later: dict[UUID, tuple[datetime, int]] = field(default_factory=dict)

    def mark_fired(self, key: UUID) -> None:
        self.fired.add(key)

    def again_at(self, key: UUID, due_at: datetime, attempts: int) -> None:
        """Not done: due again at ``due_at`` (a retry after back-off, or a later safe moment)."""
        self.later[key] = (due_at, attempts)


class Timers(Protocol):
    async def schedule(self, rows: Sequence[TimerRow]) -> int:
        """Store new timers; one already stored under its key is left as it is. How many were new."""
        ...

    def claim(self, now: datetime, limit: int = 50) -> Any:
        """``async with timers.claim(now) as claim``: the due, unfired timers nobody else holds."""
        ...


LEASE = timedelta(minutes=5)
"""How long a claimed timer is left to its worker before another may take it."""


class PostgresTimers:
    def __init__(self, pool: asyncpg.Pool, lease: timedelta = LEASE):
        self._pool, self._lease = pool, lease

    async def schedule(self, rows: Sequence[TimerRow]) -> int:
        inserted = await self._pool.fetch(
            "INSERT INTO notifications.timers (key, kind, due_at, payload, attempts)"
            " SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::jsonb[], $5::int[])"
            " ON CONFLICT (key) DO NOTHING RETURNING key",
            [r.key for r in rows], [r.kind for r in rows], [r.due_at for r in rows],
            [r.payload for r in rows], [r.attempts for r in rows])
        return len(inserted)

    @asynccontextmanager
    async def claim(self, now: datetime, limit: int = 50) -> AsyncIterator[Claim]:
        records = await self._pool.fetch(
            "UPDATE notifications.timers SET leased_until = $3 WHERE key IN ("
            " SELECT key FROM notifications.timers WHERE fired_at IS NULL AND due_at <= $1"
            " AND (leased_until IS NULL OR leased_until <= $1)"
            " ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
            " RETURNING key, kind, due_at, payload, attempts",
            now, limit, now + self._lease)
        claim = Claim(sorted((TimerRow(**dict(r)) for r in records), key=lambda row: row.due_at))
        yield claim
        # Work cut short (a stop) says nothing: its timers stay leased, then are taken again.
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("UPDATE notifications.timers SET fired_at = $2, leased_until = NULL"
                               " WHERE key = ANY($1::uuid[])", list(claim.fired), now)
            await conn.executemany(
                "UPDATE notifications.timers SET due_at = $2, attempts = $3, leased_until = NULL WHERE key = $1",
                [(key, due_at, attempts) for key, (due_at, attempts) in claim.later.items()])


class MemoryTimers:
    """The ``Timers`` port in memory, for unit tests."""

    def __init__(self):
        self.rows: dict[UUID, TimerRow] = {}
        self.fired_at: dict[UUID, datetime] = {}

    async def schedule(self, rows: Sequence[TimerRow]) -> int:
        new = [row for row in rows if row.key not in self.rows]
        self.rows.update((row.key, row) for row in new)
        return len(new)

    @asynccontextmanager
    async def claim(self, now: datetime, limit: int = 50) -> AsyncIterator[Claim]:
        due = sorted((r for r in self.rows.values() if r.key not in self.fired_at and r.due_at <= now),
                     key=lambda r: r.due_at)[:limit]
        claim = Claim(due)
        yield claim
        self.fired_at.update((key, now) for key in claim.fired)
        for key, (due_at, attempts) in claim.later.items():
            row = self.rows[key]
            self.rows[key] = TimerRow(row.key, row.kind, due_at, row.payload, attempts)

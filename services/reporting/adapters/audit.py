"""Finding what an audit reads, in the event store itself: a case by its human reference, and the
notification streams its events caused. The store's port reads streams by id only, so these two
questions are asked of ``eventstore.events`` directly (read-only; the events are never changed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class CaseFound:
    case_id: UUID
    referral_id: UUID
    reference: str


class AuditIndex(Protocol):
    async def case_by_reference(self, reference: str) -> CaseFound | None: ...

    async def streams_caused_by(self, category: str, causes: Sequence[UUID]) -> list[str]: ...


class EventsTable:
    """The :class:`AuditIndex` over the PostgreSQL event store's table."""

    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def case_by_reference(self, reference: str) -> CaseFound | None:
        """The case whose ``CaseOpened`` carries ``reference`` (the first, should two ever)."""
        row = await self._pool.fetchrow(
            "SELECT data->>'case_id' AS case_id, data->>'referral_id' AS referral_id FROM eventstore.events"
            " WHERE category = 'case' AND event_type = 'CaseOpened' AND data->>'reference' = $1"
            " ORDER BY global_position LIMIT 1", reference)
        if row is None:
            return None
        try:
            return CaseFound(UUID(row["case_id"]), UUID(row["referral_id"]), reference)
        except (TypeError, ValueError):  # an altered row: the audit cannot place it
            return None

    async def streams_caused_by(self, category: str, causes: Sequence[UUID]) -> list[str]:
        """The streams of ``category`` holding an event caused by one of ``causes`` (event ids)."""
        rows = await self._pool.fetch(
            "SELECT stream_id, min(global_position) AS first FROM eventstore.events"
            " WHERE category = $1 AND causation_id = ANY($2::uuid[]) GROUP BY stream_id ORDER BY first",
            category, list(causes))
        return [row["stream_id"] for row in rows]

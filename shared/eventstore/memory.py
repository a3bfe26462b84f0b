"""An in-process backend of the event store port, for fast unit tests of command handlers.

It keeps the PostgreSQL backend's semantics, including its global order: each write takes a
transaction number when it begins (``Position.commit``) and a global position when it inserts
(``Position.prepare``); readers see only events below the oldest transaction still open, in
``(commit, prepare)`` order, so a write that commits late is never skipped. Payloads round-trip
through JSON as they would through ``jsonb``, and the same hash chain lets ``verify`` work.
"""

from __future__ import annotations

import asyncio
import bisect
import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from shared.eventstore.hashchain import GENESIS, hash_of
from shared.eventstore.port import (
    Actor,
    AppendResult,
    ChainBreak,
    IdempotencyConflict,
    NewEvent,
    Position,
    RecordedEvent,
    WrongExpectedVersion,
)
from shared.eventstore.verify import verify_rows


def _as_utc(value: datetime) -> datetime:
    """What a ``timestamptz`` column gives back: naive values are taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _key(row: dict[str, Any]) -> tuple[int, int]:
    return row["xid"], row["global_position"]


def _recorded(row: dict[str, Any]) -> RecordedEvent:
    return RecordedEvent(
        event_id=row["event_id"], stream_id=row["stream_id"], stream_version=row["stream_version"],
        position=Position(*_key(row)), event_type=row["event_type"],
        schema_version=row["schema_version"], data=json.loads(json.dumps(row["data"])),
        occurred_at=row["occurred_at"], recorded_at=row["recorded_at"],
        correlation_id=row["correlation_id"], causation_id=row["causation_id"],
        actor=Actor(row["actor"]["kind"], row["actor"]["id"], row["actor"].get("role")),
        producer=row["producer"], hash=row["hash"],
    )


class Transaction:
    """One write: numbered when it begins, visible to readers only once it commits."""

    def __init__(self, store: InMemoryEventStore):
        self._store, self.xid = store, store._next_xid
        store._next_xid += 1
        store._open.add(self.xid)
        self._rows: list[dict[str, Any]] = []
        self._bases: dict[str, int] = {}  # the stream version each stream's append started from

    async def append(self, stream_id: str, events: Sequence[NewEvent], expected: int | None) -> AppendResult:
        store = self._store
        mine = [(r["stream_version"], r["hash"]) for r in self._rows if r["stream_id"] == stream_id]
        current, previous = mine[-1] if mine else store._heads.get(stream_id, (-1, GENESIS))
        if expected is not None and expected != current:
            raise WrongExpectedVersion(stream_id, expected, current)
        self._bases.setdefault(stream_id, current)
        recorded_at, first = datetime.now(UTC), len(self._rows)
        for offset, event in enumerate(events):
            row = {
                "event_id": event.event_id, "stream_id": stream_id, "stream_version": current + 1 + offset,
                "event_type": event.event_type, "schema_version": event.schema_version,
                "data": json.loads(json.dumps(event.data)), "occurred_at": _as_utc(event.occurred_at),
                "recorded_at": recorded_at, "correlation_id": event.correlation_id,
                "causation_id": event.causation_id, "actor": event.actor.as_json(),
                "producer": event.producer, "prev_hash": previous,
            }
            row["hash"] = previous = hash_of(previous, row)
            row["xid"], row["global_position"] = self.xid, store._next_position
            store._next_position += 1
            self._rows.append(row)
        added = self._rows[first:]
        return AppendResult(stream_id, tuple(r["stream_version"] for r in added),
                            tuple(r["global_position"] for r in added))

    async def commit(self) -> None:
        store = self._store
        try:
            for stream_id, base in self._bases.items():
                if (actual := store._heads.get(stream_id, (-1, GENESIS))[0]) != base:
                    raise WrongExpectedVersion(stream_id, base, actual)
            if any(r["event_id"] in store._by_id for r in self._rows):
                raise IdempotencyConflict("an event id of this transaction was recorded meanwhile")
            for row in self._rows:
                store._by_id[row["event_id"]] = row
                store._streams.setdefault(row["stream_id"], []).append(row)
                store._heads[row["stream_id"]] = (row["stream_version"], row["hash"])
                bisect.insort(store._log, row, key=_key)
        finally:
            await self.rollback()

    async def rollback(self) -> None:
        """Close the transaction; whatever it did not commit is dropped."""
        self._rows, self._bases = [], {}
        if self.xid in self._store._open:
            self._store._open.discard(self.xid)
            await self._store._changed_now()


class InMemoryEventStore:
    """The event store port in a Python process: same semantics, no durability."""

    def __init__(self) -> None:
        self._log: list[dict[str, Any]] = []  # committed rows in (xid, global_position) order
        self._streams: dict[str, list[dict[str, Any]]] = {}
        self._heads: dict[str, tuple[int, bytes]] = {}
        self._by_id: dict[Any, dict[str, Any]] = {}
        self._open: set[int] = set()
        self._next_xid = self._next_position = 1
        self._changes = 0
        self._changed = asyncio.Condition()

    async def _changed_now(self) -> None:
        self._changes += 1
        async with self._changed:
            self._changed.notify_all()

    def _begin(self) -> Transaction:
        """A write held open on purpose (tests of late commits use it)."""
        return Transaction(self)

    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None
    ) -> AppendResult:
        """Append atomically with optimistic concurrency; a retry of the same ids is a no-op."""
        if not events:
            raise ValueError("append needs at least one event")
        if len({e.event_id for e in events}) != len(events):
            raise IdempotencyConflict(f"stream {stream_id!r}: the same event id twice in one append")
        if existing := self._already_recorded(stream_id, events):
            return existing
        transaction = Transaction(self)
        try:
            result = await transaction.append(stream_id, events, expected_version)
            await transaction.commit()
        finally:
            await transaction.rollback()
        return result

    def _already_recorded(self, stream_id: str, events: Sequence[NewEvent]) -> AppendResult | None:
        found = [self._by_id[e.event_id] for e in events if e.event_id in self._by_id]
        if not found:
            return None
        if len(found) != len(events) or any(r["stream_id"] != stream_id for r in found):
            raise IdempotencyConflict(
                f"stream {stream_id!r}: {len(found)} of {len(events)} event ids are already recorded"
                " (a retry must resend exactly the same events to the same stream)"
            )
        return AppendResult(stream_id, tuple(r["stream_version"] for r in found),
                            tuple(r["global_position"] for r in found), replayed=True)

    async def read_stream(self, stream_id: str, from_version: int = 0) -> list[RecordedEvent]:
        """The stream's events in version order (empty if it does not exist)."""
        return [_recorded(r) for r in self._streams.get(stream_id, []) if r["stream_version"] >= from_version]

    async def read_all(
        self, after: Position, limit: int = 500, categories: Sequence[str] | None = None
    ) -> list[RecordedEvent]:
        """Events after ``after`` in commit order, up to the oldest transaction still open."""
        horizon = min(self._open, default=self._next_xid)
        found: list[RecordedEvent] = []
        for row in self._log[bisect.bisect_right(self._log, (after.commit, after.prepare), key=_key):]:
            if row["xid"] >= horizon or len(found) >= limit:
                break
            if not categories or row["stream_id"].split("-", 1)[0] in categories:
                found.append(_recorded(row))
        return found

    async def subscribe(
        self, after: Position, categories: Sequence[str] | None = None, batch_size: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        """Catch up from ``after``, then follow, woken by every commit."""
        while True:
            seen = self._changes
            batch = await self.read_all(after, batch_size, categories)
            for event in batch:
                yield event
                after = event.position
            if len(batch) < batch_size:
                async with self._changed:
                    await self._changed.wait_for(lambda seen=seen: self._changes != seen)

    async def verify(self, stream_id: str | None = None) -> list[ChainBreak]:
        """Recompute every hash of one stream, or of all, against the stream heads."""
        ids = [stream_id] if stream_id is not None else sorted(self._heads.keys() | self._streams.keys())
        breaks: list[ChainBreak] = []
        for sid in ids:
            if sid in self._heads or sid in self._streams:
                breaks += verify_rows(sid, self._streams.get(sid, []), self._heads.get(sid))
        return breaks

    # -- test-only tampering, so the verifier's contract tests run on this backend too -----------
    def _row(self, stream_id: str, version: int) -> dict[str, Any]:
        return next(r for r in self._streams[stream_id] if r["stream_version"] == version)

    def _tamper_data(self, stream_id: str, version: int, new_data: dict[str, Any]) -> None:
        """Overwrite a stored event's payload behind the store's back."""
        self._row(stream_id, version)["data"] = json.loads(json.dumps(new_data))

    def _delete(self, stream_id: str, version: int) -> None:
        """Remove a stored event behind the store's back."""
        row = self._row(stream_id, version)
        self._streams[stream_id].remove(row)
        self._log.remove(row)
        del self._by_id[row["event_id"]]

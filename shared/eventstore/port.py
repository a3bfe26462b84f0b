"""The event store port: what every backend promises (DESIGN D2).

Versions are zero-based: the first event of a stream has version 0, so a new stream is
appended with ``expected_version=NO_STREAM`` (-1).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from shared.jsontext import DecodedOnRead

NO_STREAM = -1
"""Expected version meaning 'the stream must not exist yet'."""

ANY_VERSION: None = None
"""Expected version meaning 'append whatever the stream's version is'."""


class EventStoreError(Exception):
    """Base of every error an event store raises on purpose."""


class WrongExpectedVersion(EventStoreError):
    """The stream moved on since the caller read it (optimistic concurrency)."""

    def __init__(self, stream_id: str, expected: int | None, actual: int):
        self.stream_id, self.expected, self.actual = stream_id, expected, actual
        super().__init__(
            f"stream {stream_id!r}: expected version {expected}, but it is at version {actual}"
        )


class IdempotencyConflict(EventStoreError):
    """Some, but not all, of the event ids in an append were already recorded, or elsewhere."""


@dataclass(frozen=True, order=True)
class Position:
    """A place in the global order: commit order first, then insert order inside a commit."""

    commit: int
    prepare: int

    @classmethod
    def start(cls) -> Position:
        """The position before the first event."""
        return cls(0, 0)

    def as_json(self) -> dict[str, int]:
        return {"commit": self.commit, "prepare": self.prepare}


@dataclass(frozen=True)
class Actor:
    """Who caused an event: a person, a partner agency, a service or the system itself."""

    kind: str  # user | agency | service | system
    id: str
    role: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "role": self.role}


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended. ``data`` is already sealed (personal fields encrypted)."""

    event_id: UUID
    event_type: str
    schema_version: int
    data: dict[str, Any]
    occurred_at: datetime
    correlation_id: UUID
    causation_id: UUID | None
    actor: Actor
    producer: str


@dataclass(frozen=True)
class RecordedEvent:
    """An event as the store holds it, with its place in its stream and in the global order."""

    event_id: UUID
    stream_id: str
    stream_version: int
    position: Position
    event_type: str
    schema_version: int
    # A descriptor, not a default: a backend may give the data as JSON text, decoded when first read.
    data: dict[str, Any] = DecodedOnRead()  # type: ignore[assignment]  # noqa: RUF009
    occurred_at: datetime
    recorded_at: datetime
    correlation_id: UUID
    causation_id: UUID | None
    actor: Actor
    producer: str
    hash: bytes = field(default=b"", compare=False, repr=False)

    @property
    def category(self) -> str:
        return self.stream_id.split("-", 1)[0]


@dataclass(frozen=True)
class AppendResult:
    """Where an append put its events; a retried append returns the original result, marked
    ``replayed`` so the caller knows this append recorded nothing new."""

    stream_id: str
    versions: tuple[int, ...]
    positions: tuple[int, ...]
    replayed: bool = False

    @property
    def next_expected_version(self) -> int:
        return self.versions[-1]


@dataclass(frozen=True)
class ChainBreak:
    """One finding of the hash-chain verifier."""

    stream_id: str
    stream_version: int
    problem: str  # "altered" | "missing" | "reordered"
    detail: str


@runtime_checkable
class EventStore(Protocol):
    """The port every backend implements; one contract test suite proves each."""

    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None
    ) -> AppendResult:
        """Append atomically. Raises WrongExpectedVersion; a retry of the same ids is a no-op."""
        ...

    async def read_stream(self, stream_id: str, from_version: int = 0) -> list[RecordedEvent]:
        """The stream's events in version order (empty if it does not exist)."""
        ...

    async def read_all(
        self, after: Position, limit: int = 500, categories: Sequence[str] | None = None
    ) -> list[RecordedEvent]:
        """Events after ``after`` in global order, only those no earlier commit can precede."""
        ...

    def subscribe(
        self, after: Position, categories: Sequence[str] | None = None, batch_size: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        """Catch up from ``after`` then follow live: nothing skipped, nothing twice."""
        ...

    async def verify(self, stream_id: str | None = None) -> list[ChainBreak]:
        """Check the hash chain of one stream or of all; an empty list means intact."""
        ...

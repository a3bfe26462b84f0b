"""The event store: the port, its PostgreSQL backend, and the hash-chain verifier."""

from shared.eventstore.port import (
    ANY_VERSION,
    NO_STREAM,
    Actor,
    AppendResult,
    ChainBreak,
    EventStore,
    EventStoreError,
    IdempotencyConflict,
    NewEvent,
    Position,
    RecordedEvent,
    WrongExpectedVersion,
)

__all__ = [
    "ANY_VERSION",
    "NO_STREAM",
    "Actor",
    "AppendResult",
    "ChainBreak",
    "EventStore",
    "EventStoreError",
    "IdempotencyConflict",
    "NewEvent",
    "Position",
    "RecordedEvent",
    "WrongExpectedVersion",
]

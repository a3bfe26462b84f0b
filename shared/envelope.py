"""Turning a domain event into a storable NewEvent, and a recorded one back into a contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from shared import clock
from shared.contracts.base import DomainEvent
from shared.contracts.registry import parse
from shared.crypto.sealing import OpeningKeys, SealingKeys, open_sealed, seal
from shared.eventstore.port import Actor, NewEvent, RecordedEvent


@dataclass(frozen=True)
class Cause:
    """Why an event is being recorded: who acted, in which conversation, because of what."""

    actor: Actor
    correlation_id: UUID
    causation_id: UUID | None = None

    @classmethod
    def fresh(cls, actor: Actor, correlation_id: UUID | None = None) -> Cause:
        """The start of a new conversation (a request from outside, with its correlation id)."""
        return cls(actor, correlation_id or uuid4(), None)

    def following(self, event: RecordedEvent, actor: Actor | None = None) -> Cause:
        """The cause of an event recorded in reaction to ``event``."""
        return Cause(actor or self.actor, event.correlation_id, event.event_id)


async def new_event(
    event: DomainEvent,
    cause: Cause,
    keys: SealingKeys,
    *,
    event_id: UUID | None = None,
    occurred_at: datetime | None = None,
) -> NewEvent:
    """The event sealed and wrapped in its envelope (D3), ready to append."""
    return NewEvent(
        event_id=event_id or uuid4(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        data=await seal(event, keys),
        occurred_at=occurred_at or clock.now(),  # a request's demo time, where the demo clock is on
        correlation_id=cause.correlation_id,
        causation_id=cause.causation_id,
        actor=cause.actor,
        producer=event.producer,
    )


@dataclass(frozen=True)
class Envelope:
    """A recorded event opened (as far as the reader's keys allow) and parsed as its contract."""

    recorded: RecordedEvent
    event: DomainEvent

    @property
    def event_id(self) -> UUID:
        return self.recorded.event_id


async def open_event(recorded: RecordedEvent, keys: OpeningKeys | None) -> Envelope:
    """Decrypt what the keys allow, upcast older payloads, and validate against the contract."""
    data = await open_sealed(recorded.data, keys)
    return Envelope(recorded, parse(recorded.event_type, recorded.schema_version, data))

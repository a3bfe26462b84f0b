"""Recording what the service did, each in the notification's own stream ``notification-<key>``,
with ids derived from the idempotency key: recording it again appends nothing."""

from __future__ import annotations

from uuid import UUID, uuid5

from services.notifications.handlers.dependencies import Dependencies
from shared.contracts.base import DomainEvent
from shared.envelope import Cause, Envelope, new_event, open_event
from shared.eventstore.port import Actor, RecordedEvent

NOTIFICATIONS = Actor("service", "notifications", "system")


def stream_of(key: UUID) -> str:
    return f"notification-{key}"


def cause_of(source: RecordedEvent) -> Cause:
    return Cause(NOTIFICATIONS, source.correlation_id, source.event_id)


async def record(deps: Dependencies, key: UUID, event: DomainEvent, cause: Cause, event_id: UUID | None = None) -> None:
    """Append ``event`` to the notification's stream, under ``event_id`` (the key unless given)."""
    new = await new_event(event, cause, deps.keys, event_id=event_id or key)
    await deps.store.append(stream_of(key), [new], None)


def derived_id(key: UUID, what: str) -> UUID:
    """The id of a further record about one notification (a reminder, a deadline, an attempt)."""
    return uuid5(key, what)


async def read_opened(deps: Dependencies, stream_id: str) -> list[Envelope]:
    """A stream's events, opened with the service's keys (``ERASED`` where a key was forgotten)."""
    return [await open_event(recorded, deps.keys) for recorded in await deps.store.read_stream(stream_id)]

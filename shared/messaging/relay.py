"""The relay: tails the store for one service's own categories and publishes to the broker.

At-least-once by construction: the checkpoint moves only after the broker acknowledged the
publish. A crash between the two republishes the same event with the same ``Nats-Msg-Id``,
which JetStream drops inside its duplicate window, and consumers' inboxes drop after it.

The relay knows the event store only by its port, and its checkpoint and the broker only as two
small seams, so it runs the same over PostgreSQL and JetStream or over in-memory stand-ins.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol

import asyncpg
import structlog
from faststream.nats import NatsBroker

from shared.eventstore.port import EventStore, Position, RecordedEvent
from shared.messaging.broker import STREAM
from shared.messaging.cloudevents import subject_for, to_cloudevent
from shared.observability import metrics

log = structlog.get_logger()

Publish = Callable[[RecordedEvent], Awaitable[bool]]
"""Publish one event and wait for the broker's acknowledgement; True when it was a duplicate."""


class Checkpoints(Protocol):
    """Where each relay resumes from."""

    async def load(self, relay: str) -> Position: ...

    async def save(self, relay: str, position: Position) -> None: ...


RELAY_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.relay_checkpoint (
    relay      text PRIMARY KEY,
    commit_id  bigint NOT NULL,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
)
"""


class PostgresCheckpoints:
    """Relay checkpoints in a table of the service's own schema."""

    def __init__(self, pool: asyncpg.Pool, schema: str):
        self._pool, self._schema = pool, schema

    async def prepare(self) -> None:
        """Create the checkpoint table."""
        await self._pool.execute(RELAY_DDL.format(schema=self._schema))

    async def load(self, relay: str) -> Position:
        """Where ``relay`` resumes: after the last event the broker acknowledged."""
        row = await self._pool.fetchrow(
            f"SELECT commit_id, position FROM {self._schema}.relay_checkpoint WHERE relay = $1", relay
        )
        return Position(row["commit_id"], row["position"]) if row else Position.start()

    async def save(self, relay: str, position: Position) -> None:
        """Record that everything up to ``position`` has been published."""
        await self._pool.execute(
            f"INSERT INTO {self._schema}.relay_checkpoint (relay, commit_id, position) VALUES ($1, $2, $3)"
            " ON CONFLICT (relay) DO UPDATE SET commit_id = $2, position = $3, updated_at = now()",
            relay, position.commit, position.prepare,
        )


def jetstream_publisher(broker: NatsBroker, timeout: float = 10) -> Publish:
    """Publish as a structured CloudEvent on ``rj.<producer>.<EventType>``, de-duplicated by id."""

    async def publish(event: RecordedEvent) -> bool:
        ack = await broker.publish(
            to_cloudevent(event), subject_for(event),
            headers={"Nats-Msg-Id": str(event.event_id), "content-type": "application/cloudevents+json"},
            stream=STREAM, timeout=timeout,
        )
        return bool(ack.duplicate)

    return publish


class Relay:
    """Publishes ``categories`` of the store, in commit order, from a stored checkpoint."""

    def __init__(self, *, name: str, categories: Sequence[str], store: EventStore, checkpoints: Checkpoints,
                 publish: Publish, batch_size: int = 200):
        self.name, self.categories = name, list(categories)
        self._store, self._checkpoints, self._publish = store, checkpoints, publish
        self._batch_size = batch_size
        self.published = 0

    async def checkpoint(self) -> Position:
        """Where the relay will resume."""
        return await self._checkpoints.load(self.name)

    async def run(self) -> None:
        """Publish forever; on a broker error wait and resume from the last checkpoint."""
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("relay.failed", relay=self.name)
                await asyncio.sleep(1.0)

    async def _follow(self) -> None:
        async for event in self._store.subscribe(await self.checkpoint(), self.categories, self._batch_size):
            if await self._publish(event):
                log.info("relay.duplicate", relay=self.name, event_id=str(event.event_id))
            await self._checkpoints.save(self.name, event.position)
            self.published += 1
            metrics.events_published.labels(self.name).inc()
            metrics.relay_lag.labels(self.name).set((datetime.now(UTC) - event.recorded_at).total_seconds())
            log.debug("relay.published", relay=self.name, event_id=str(event.event_id), stream=event.stream_id)

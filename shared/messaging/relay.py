"""The relay: tails the store for one service's own categories and publishes to JetStream.

At-least-once by construction: the checkpoint moves only after JetStream acknowledged the
publish. A crash between the two republishes the same event with the same ``Nats-Msg-Id``,
which JetStream drops inside its duplicate window, and consumers' inboxes drop after it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import asyncpg
import structlog
from faststream.nats import NatsBroker

from shared.eventstore.port import Position
from shared.eventstore.postgres import PostgresEventStore
from shared.messaging.broker import STREAM
from shared.messaging.cloudevents import subject_for, to_cloudevent
from shared.observability import metrics

log = structlog.get_logger()

RELAY_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.relay_checkpoint (
    relay      text PRIMARY KEY,
    commit_id  bigint NOT NULL,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
)
"""


class Relay:
    """Publishes ``categories`` of the store, in commit order, from a stored checkpoint."""

    def __init__(
        self, *, name: str, schema: str, categories: Sequence[str], store: PostgresEventStore,
        pool: asyncpg.Pool, broker: NatsBroker, batch_size: int = 200,
    ):
        self.name, self.schema, self.categories = name, schema, list(categories)
        self._store, self._pool, self._broker = store, pool, broker
        self.published = 0
        self._batch_size = batch_size

    async def prepare(self) -> None:
        """Create the checkpoint table."""
        await self._pool.execute(RELAY_DDL.format(schema=self.schema))

    async def checkpoint(self) -> Position:
        """Where the relay will resume."""
        row = await self._pool.fetchrow(
            f"SELECT commit_id, position FROM {self.schema}.relay_checkpoint WHERE relay = $1", self.name
        )
        return Position(row["commit_id"], row["position"]) if row else Position.start()

    async def _save(self, position: Position) -> None:
        await self._pool.execute(
            f"INSERT INTO {self.schema}.relay_checkpoint (relay, commit_id, position) VALUES ($1, $2, $3)"
            " ON CONFLICT (relay) DO UPDATE SET commit_id = $2, position = $3, updated_at = now()",
            self.name, position.commit, position.prepare,
        )

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
            ack = await self._broker.publish(
                to_cloudevent(event),
                subject_for(event),
                headers={"Nats-Msg-Id": str(event.event_id), "content-type": "application/cloudevents+json"},
                stream=STREAM,
                timeout=10,
            )
            if ack.duplicate:
                log.info("relay.duplicate", relay=self.name, event_id=str(event.event_id))
            await self._save(event.position)
            self.published += 1
            metrics.events_published.labels(self.name).inc()
            metrics.relay_lag.labels(self.name).set((datetime.now(UTC) - event.recorded_at).total_seconds())
            log.debug("relay.published", relay=self.name, event_id=str(event.event_id), stream=event.stream_id)

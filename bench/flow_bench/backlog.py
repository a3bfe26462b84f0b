"""The consumers' backlog on NATS JetStream, sampled while a rate runs.

Every service's consumers are durable pull consumers on the one stream ``RJ_EVENTS``, each taking
every event (``rj.>``) one message at a time. A consumer's backlog is what JetStream holds for it:
messages not yet delivered plus delivered but not yet acknowledged (``num_pending`` +
``num_ack_pending``, the figure the services' ``rj_consumer_lag`` gauge shows every 15 s). A rate a
consumer sustains leaves its backlog flat; one it does not makes it grow for as long as the rate lasts.

The relays' backlog is sampled alongside: events in the store (``count(*)`` of
``eventstore.events``) less messages in the stream (each event is published once; JetStream drops
a republished one by its id), that is events recorded but not yet on the broker.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import asyncpg
import nats

from shared.messaging.broker import STREAM


@dataclass
class Backlog:
    samples: list[tuple[float, dict[str, int]]] = field(default_factory=list)  # (loop time, consumer -> backlog)
    at_last_send: dict[str, int] = field(default_factory=dict)
    relay: list[int] = field(default_factory=list)  # events recorded, not yet published, per sample
    relay_at_last_send: int | None = None

    def peak(self) -> tuple[str, int]:
        """The consumer with the largest backlog seen, and that backlog."""
        best = ("-", 0)
        for _, backlog in self.samples:
            for name, n in backlog.items():
                if n > best[1]:
                    best = (name, n)
        return best

    def peak_total(self) -> int:
        return max((sum(b.values()) for _, b in self.samples), default=0)


class Sampler:
    """Reads every consumer's backlog once a second (and on demand) over its own NATS connection."""

    def __init__(self, nats_url: str, database_url: str, every: float = 1.0):
        self.url, self.database_url, self.every = nats_url, database_url, every
        self.backlog = Backlog()

    async def read(self) -> dict[str, int]:
        infos = await self._js.consumers_info(STREAM)
        return {i.name: (i.num_pending or 0) + (i.num_ack_pending or 0) for i in infos}

    async def relay_backlog(self) -> int:
        recorded = await self._db.fetchval("SELECT count(*) FROM eventstore.events")
        published = (await self._js.stream_info(STREAM)).state.messages
        return recorded - published

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            with contextlib.suppress(Exception):  # a missed sample is only a gap
                self.backlog.samples.append((loop.time(), await self.read()))
                self.backlog.relay.append(await self.relay_backlog())
            await asyncio.sleep(self.every)

    async def __aenter__(self) -> Sampler:
        self._nc = await nats.connect(self.url, name="rj-bench-flow")
        self._js = self._nc.jetstream()
        self._db = await asyncpg.connect(self.database_url)
        self._task = asyncio.create_task(self._loop())
        return self

    async def mark_last_send(self) -> None:
        with contextlib.suppress(Exception):
            self.backlog.at_last_send = await self.read()
            self.backlog.relay_at_last_send = await self.relay_backlog()

    async def __aexit__(self, *_: object) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._nc.close()
        await self._db.close()

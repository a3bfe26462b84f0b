"""One service process's plumbing: pool, store, keys, broker, relay and consumers.

A service describes itself with a ``ServiceDefinition``; ``ServiceRuntime`` wires and runs it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import structlog
from faststream.nats import NatsBroker

from shared.clock import simulating
from shared.crypto.keystore import LocalKeyWrapper, PostgresKeyStore
from shared.db import create_pool, migrate, sql_scripts
from shared.envelope import Envelope
from shared.eventstore.port import EventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.identity.fastapi import Identity
from shared.identity.tokens import identity_secret
from shared.messaging.broker import STREAM, build_broker, ensure_stream
from shared.messaging.relay import PostgresCheckpoints, Relay, jetstream_publisher
from shared.observability import answer_stack_requests, metrics
from shared.projections.apply import apply_once, has_applied
from shared.projections.base import Projection, Reaction
from shared.projections.consumer import Handling, subscribe
from shared.projections.deadletters import DeadLetters
from shared.projections.rebuild import create_tables, rebuild
from shared.settings import ServiceSettings

log = structlog.get_logger()
RECHECK = 0.25
"""Seconds between inbox checks of a read-your-writes wait that nothing in this process woke."""
STOP_GRACE = 10.0
"""Seconds stop() gives background tasks and pooled connections before it goes on without them."""


@dataclass
class ServiceDefinition:
    """What a service is, to the plumbing: its name, streams, read models and reactions."""

    name: str
    categories: tuple[str, ...]
    projections: Sequence[Projection] = ()
    reactions: Sequence[Reaction] = ()
    key_access: bool = True
    migrations: Path | None = None
    bootstrap: Callable[[ServiceRuntime], Any] | None = None
    """Builds the service's handler dependencies once the runtime is open (before any consumer
    starts, so reactions have them from their first delivery)."""
    people: bool = False
    """People sign in to this service (accounts, tokens and sessions of the ``identity`` schema)."""
    background: Sequence[Callable[[ServiceRuntime], Awaitable[None]]] = ()
    """Long-running tasks of the service (e.g. firing timers), started after the relay, cancelled on stop."""


class ServiceRuntime:
    """Starts and stops everything one service process needs, in order."""

    def __init__(self, definition: ServiceDefinition, settings: ServiceSettings):
        self.definition, self.settings = definition, settings
        self.schema = definition.name
        self.pool: asyncpg.Pool
        self.store: EventStore
        self.keys: PostgresKeyStore | None = None
        self.broker: NatsBroker = build_broker(settings.nats_url, client_name=f"rj-{definition.name}")
        self.dead_letters: DeadLetters
        self.handlings: dict[str, Handling] = {}
        self.relay: Relay
        self.dependencies: Any = None
        self._waiters: dict[str, list[asyncio.Future]] = {}
        self.identity: Identity | None = None
        self._tasks: list[asyncio.Task] = []

    # -- wiring -------------------------------------------------------------------------
    async def open(self) -> None:
        """Pool, migrations, key store, tables: everything but the broker and the relay."""
        self.pool = await create_pool(self.settings.database_url, max_size=12)
        self.store = await self._open_store()
        kek = self.settings.kek()
        if self.definition.key_access:
            if kek is None:
                raise RuntimeError(f"{self.definition.name} needs RJ_KEY_ENCRYPTION_KEY to reach personal data")
            self.keys = PostgresKeyStore(self.pool, LocalKeyWrapper(kek))
            await self.keys.migrate()
        await self.pool.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
        if self.definition.migrations:
            await migrate(self.pool, self.schema, sql_scripts(self.definition.migrations))
        async with self.pool.acquire() as conn:
            for projection in self.definition.projections:
                await create_tables(conn, self.schema, projection)
        self.dead_letters = DeadLetters(self.pool, self.schema)
        await self.dead_letters.prepare()
        if self.definition.people:
            self.identity = await self._open_identity(kek)
        self.dependencies = self.definition.bootstrap(self) if self.definition.bootstrap else None
        self._build_handlings()

    async def _open_identity(self, kek: bytes | None) -> Identity:
        # A service without key access signs people in with the identity key alone, which is derived
        # from the KEK one way: it checks sessions and tokens, and opens no personal data.
        secret = identity_secret(kek) if kek is not None else self.settings.identity_signing_key()
        if secret is None:
            raise RuntimeError(f"{self.definition.name} signs people in: it needs RJ_KEY_ENCRYPTION_KEY"
                               " or, without key access, RJ_IDENTITY_KEY")
        identity = Identity.on(self.pool, secret)
        await identity.accounts.migrate()
        return identity

    async def _open_store(self) -> EventStore:
        """The configured event-store backend (settings refuse one this build lacks), migrated."""
        store = PostgresEventStore(self.pool)
        await store.migrate()
        return store

    def _build_handlings(self) -> None:
        for projection in self.definition.projections:
            self.handlings[projection.name] = Handling(
                f"{self.schema}-{projection.name}", self._projector(projection), self.keys,
                self.dead_letters, self.settings.max_deliver,
            )
        for reaction in self.definition.reactions:
            self.handlings[reaction.name] = Handling(
                f"{self.schema}-{reaction.name}", self._reactor(reaction), self.keys,
                self.dead_letters, self.settings.max_deliver,
            )

    def _projector(self, projection: Projection):
        async def handle(envelope: Envelope) -> bool:
            async with self.pool.acquire() as conn:
                applied = await apply_once(conn, self.schema, projection, envelope)
            self._projected(projection.name)
            return applied
        return handle

    def _projected(self, projection: str) -> None:
        """Wake the read-your-writes waits of ``projection``: something was just applied in-process."""
        for waiter in self._waiters.pop(projection, []):
            if not waiter.done():
                waiter.set_result(None)

    def _reactor(self, reaction: Reaction):
        async def handle(envelope: Envelope) -> bool:
            # With the demo clock on, a reaction to a demo-dated event is dated with it (shared.clock).
            dated = simulating(envelope.recorded.occurred_at) if self.settings.demo_clock else contextlib.nullcontext()
            with dated:
                await reaction.react(envelope, self.dependencies)
            return True
        return handle

    async def start(self) -> None:
        """Open, then connect the broker, start consumers and the relay."""
        await self.open()
        answer_stack_requests()
        for handling in self.handlings.values():
            subscribe(self.broker, handling, durable=handling.name)
        await self.broker.connect()
        await ensure_stream(self.broker)
        await self.broker.start()
        checkpoints = PostgresCheckpoints(self.pool, self.schema)
        await checkpoints.prepare()
        self.relay = Relay(
            name=self.schema, categories=self.definition.categories, store=self.store, checkpoints=checkpoints,
            publish=jetstream_publisher(self.broker), batch_size=self.settings.relay_batch,
        )
        self._tasks.append(asyncio.create_task(self.relay.run(), name=f"{self.schema}-relay"))
        self._tasks.append(asyncio.create_task(self._watch_backlogs(), name=f"{self.schema}-backlogs"))
        for number, task in enumerate(self.definition.background):
            self._tasks.append(asyncio.create_task(task(self), name=f"{self.schema}-background-{number}"))
        log.info("service.started", consumers=sorted(self.handlings))

    async def stop(self) -> None:
        """Stop the relay, drain consumers, close the pool: nothing accepted is lost."""
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            done, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    log.error("service.task_failed", task=task.get_name(), error=repr(task.exception()))
            for task in pending:  # stuck in a call that ignores cancellation: stop must still end
                log.warning("service.task_did_not_stop", task=task.get_name())
        try:
            await self.broker.stop()
        except Exception:
            log.exception("service.broker_stop_failed")
        try:
            async with asyncio.timeout(STOP_GRACE):
                await self.pool.close()
        except TimeoutError:
            log.warning("service.pool_close_timed_out")  # a connection still held: closed by force
            self.pool.terminate()

    async def _watch_backlogs(self, every: float = 15.0) -> None:
        """Keep the dead-letter and consumer-lag gauges current for /metrics."""
        while True:
            try:
                metrics.dead_letters.labels(self.schema).set(await self.dead_letters.count())
                js = self.broker.config.connection_state.stream
                for handling in self.handlings.values():
                    info = await js.consumer_info(STREAM, handling.name)
                    metrics.consumer_lag.labels(handling.name).set(info.num_pending + info.num_ack_pending)
            except Exception as error:  # the gauges go stale; the service itself is unaffected
                log.warning("service.metrics_refresh_failed", error=repr(error))
            await asyncio.sleep(every)

    # -- operations ---------------------------------------------------------------------
    async def ready(self) -> dict[str, bool]:
        """Readiness by dependency: the database and the broker."""
        checks = {"database": False, "broker": False}
        with contextlib.suppress(Exception):
            checks["database"] = await self.pool.fetchval("SELECT true")
        with contextlib.suppress(Exception):
            checks["broker"] = bool(self.broker.config.connection_state.connection.is_connected)
        return checks

    async def caught_up(self, projection: str) -> bool:
        """Whether ``projection``'s consumer has nothing pending on the broker: its read model holds
        every event published so far. False when the broker cannot say."""
        with contextlib.suppress(Exception):
            js = self.broker.config.connection_state.stream
            info = await js.consumer_info(STREAM, self.handlings[projection].name)
            return info.num_pending + info.num_ack_pending == 0
        return False

    async def rebuild(self, projection_name: str | None = None) -> dict[str, int]:
        """Rebuild one read model, or all of them, from the event store."""
        done: dict[str, int] = {}
        for projection in self.definition.projections:
            if projection_name in (None, projection.name):
                done[projection.name] = await rebuild(self.pool, self.store, self.schema, projection, self.keys)
        return done

    async def redrive(self, letter_id: int) -> bool:
        """Apply a dead letter again through its consumer; True when it went through."""
        letter = await self.dead_letters.get(letter_id)
        if letter is None or letter["redriven_at"] is not None:
            return False
        handling = next(h for h in self.handlings.values() if h.name == letter["consumer"])
        await handling.apply_payload(letter["payload"])
        await self.dead_letters.mark_redriven(letter_id)
        return True

    async def wait_until_projected(self, projection: str, event_ids: Sequence, timeout: float = 5.0) -> bool:
        """Read-your-writes: wait, bounded, until the read model has applied ``event_ids``.

        Woken when this process applies anything to the projection, and checking the inbox again at
        most every ``RECHECK`` seconds otherwise (another replica may have applied it): under load,
        hundreds of waits must not keep the pool's connections busy polling."""
        target = next(p for p in self.definition.projections if p.name == projection)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        for event_id in event_ids:
            while True:
                # Registered before the check, so an application between the two still wakes it.
                woken = loop.create_future()
                self._waiters.setdefault(projection, []).append(woken)
                try:
                    if await has_applied(self.pool, self.schema, target, event_id):
                        break
                    left = deadline - loop.time()
                    if left <= 0:
                        return False
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(min(left, RECHECK)):
                            await woken
                finally:
                    if not woken.done():  # not woken: no longer waiting on it
                        with contextlib.suppress(ValueError):
                            self._waiters.get(projection, []).remove(woken)
        return True

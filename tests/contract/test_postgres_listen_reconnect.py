"""A follower of the PostgreSQL event store listens again after its LISTEN connection is lost.

The store's poll interval is set to a minute here, and the events are appended through another
store on a pool of its own (as by another process, whose appends only a NOTIFY announces), so
within the tests' bounded waits only a NOTIFY can wake the follower: an event that arrives proves
the LISTEN came back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from shared.db import create_pool
from shared.embedded.postgres import EmbeddedPostgres
from shared.eventstore.port import Position, RecordedEvent
from shared.eventstore.postgres import CHANNEL, PostgresEventStore
from tests.contract.eventstore_contract import an_event
from tests.support import eventually

POLL = 60.0  # longer than any wait below: a delivery within them came by NOTIFY
WAIT = 15.0

pytestmark = pytest.mark.timeout(120)


class Follower:
    """``store.subscribe`` running in the background, its events in a queue."""

    def __init__(self, store: PostgresEventStore):
        self.received: asyncio.Queue[RecordedEvent] = asyncio.Queue()
        self._task = asyncio.create_task(self._run(store))

    async def _run(self, store: PostgresEventStore) -> None:
        async for event in store.subscribe(Position.start()):
            await self.received.put(event)

    async def next(self) -> RecordedEvent:
        return await asyncio.wait_for(self.received.get(), WAIT)

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def listening_backends(database_url: str) -> set[int]:
    """The server pids of the sessions listening on the store's channel in this database."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1",
            f'LISTEN "{CHANNEL}"',
        )
        return {row["pid"] for row in rows}
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def followed_store(database_url: str) -> AsyncIterator[tuple[PostgresEventStore, Follower]]:
    """(a writer's store, a follower of another store), each on a pool of its own."""
    pool = await create_pool(database_url, min_size=1, max_size=5)
    writer_pool = await create_pool(database_url, min_size=1, max_size=2)
    store = PostgresEventStore(pool, poll_interval=POLL)
    await store.migrate()
    follower = Follower(store)
    try:
        yield PostgresEventStore(writer_pool, poll_interval=POLL), follower
    finally:
        await follower.stop()
        for each in (pool, writer_pool):
            try:
                await asyncio.wait_for(each.close(), 10)
            except TimeoutError:
                each.terminate()


async def append_and_receive(store: PostgresEventStore, follower: Follower) -> None:
    event = an_event()
    await store.append("thing-1", [event], None)
    received = await follower.next()
    assert received.event_id == event.event_id


async def test_a_terminated_listener_backend_is_replaced_and_notify_wakes_the_follower(fresh_database_url: str):
    async with followed_store(fresh_database_url) as (store, follower):
        await append_and_receive(store, follower)
        (old,) = await eventually(lambda: listening_backends(fresh_database_url), timeout=WAIT)

        admin = await asyncpg.connect(fresh_database_url)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", old)
        finally:
            await admin.close()

        async def replaced() -> set[int]:
            now = await listening_backends(fresh_database_url)
            return now if now and old not in now else set()

        await eventually(replaced, timeout=WAIT)
        await asyncio.sleep(0.5)  # the follower's wake-up on restoring ends; it waits on NOTIFY again
        await append_and_receive(store, follower)
        await append_and_receive(store, follower)


async def test_after_a_postgres_restart_the_follower_listens_again(tmp_path: Path):
    server = EmbeddedPostgres(tmp_path / "pg")
    url = server.start()
    try:
        async with followed_store(url) as (store, follower):
            await append_and_receive(store, follower)
            await eventually(lambda: listening_backends(url), timeout=WAIT)
            server.stop()
            await asyncio.sleep(1.0)
            assert server.start() == url  # the same data and port
            await eventually(lambda: listening_backends(url), timeout=WAIT)
            await asyncio.sleep(0.5)
            await append_and_receive(store, follower)
    finally:
        server.stop()


async def test_a_read_that_never_answers_is_abandoned_and_tried_again(fresh_database_url: str):
    """A page read stuck on a connection the server dropped before it began (no loss is reported
    while it runs) must not stop the follower for good: it is abandoned after the read timeout."""
    pool = await create_pool(fresh_database_url, max_size=4)
    store = PostgresEventStore(pool, poll_interval=0.2, read_timeout=1.0)
    await store.migrate()
    real, stuck = store.read_all, asyncio.Event()

    async def hangs_once(*args, **kwargs):
        if not stuck.is_set():
            stuck.set()
            await asyncio.Event().wait()  # forever, like a read on a dead socket
        return await real(*args, **kwargs)

    store.read_all = hangs_once  # type: ignore[method-assign]
    follower = Follower(store)
    try:
        await store.append("stuck-1", [an_event()], None)
        assert (await follower.next()).stream_id == "stuck-1"
        assert stuck.is_set()
    finally:
        await follower.stop()
        await pool.close()


async def test_appends_close_together_share_a_notify_and_none_is_left_unannounced(fresh_database_url: str):
    async with followed_store(fresh_database_url) as (writer, follower):
        await eventually(lambda: listening_backends(fresh_database_url), timeout=WAIT)
        for n in range(3):
            await append_and_receive(writer, follower)
            many = [an_event() for _ in range(5)]
            for event in many:
                await writer.append(f"burst-{n}", [event], None)
            assert [(await follower.next()).event_id for _ in many] == [e.event_id for e in many]


async def test_a_follower_of_the_appending_store_is_woken_without_waiting_for_a_notify(fresh_database_url: str):
    pool = await create_pool(fresh_database_url, min_size=1, max_size=5)
    try:
        store = PostgresEventStore(pool, poll_interval=POLL)
        await store.migrate()
        store._announcer.appended = lambda: None  # type: ignore[method-assign]  # no NOTIFY at all
        follower = Follower(store)
        try:
            for _ in range(3):
                await append_and_receive(store, follower)
        finally:
            await follower.stop()
    finally:
        await pool.close()

"""A session left idle in a transaction that holds an id (a client that lost track of its
connection) must not hold back every follower of the store for ever: the server ends it after
``idle_in_transaction_session_timeout`` (shared/db.py), and what was appended since reaches readers."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from shared.db import create_pool
from shared.eventstore.port import NO_STREAM, Actor, NewEvent, Position
from shared.eventstore.postgres import PostgresEventStore
from tests.support import eventually


@pytest.mark.timeout(120)
async def test_an_abandoned_transaction_holds_readers_back_only_until_the_server_ends_it(fresh_database_url):
    pool = await create_pool(fresh_database_url, min_size=1, max_size=4)
    store = PostgresEventStore(pool)
    await store.migrate()
    abandoned = await pool.acquire()
    try:
        transaction = abandoned.transaction()
        await transaction.start()
        await abandoned.execute("SELECT pg_current_xact_id()")  # holds an id: the horizon stops below it
        event = NewEvent(uuid4(), "ThingHappened", 1, {"n": 1}, datetime.now(UTC), uuid4(), None,
                         Actor("user", "u1", None), "tests")
        await store.append(f"thing-{uuid4()}", [event], NO_STREAM)
        assert await store.read_all(Position.start()) == []  # committed, but behind the open transaction

        async def delivered():
            return [e.event_id for e in await store.read_all(Position.start())] == [event.event_id]
        assert await eventually(delivered, timeout=60, every=0.5)
    finally:
        with contextlib.suppress(Exception):
            await pool.release(abandoned, timeout=5)
        pool.terminate()

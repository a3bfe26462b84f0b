"""The event store contract on the PostgreSQL backend, each test in a fresh database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import asyncpg
import pytest

from shared.db import create_pool
from shared.eventstore.port import AppendResult, NewEvent
from shared.eventstore.postgres import PostgresEventStore
from tests.contract.eventstore_contract import EventStoreContract


class HeldTransaction:
    """A write through the store's own append path, in a transaction the test holds open."""

    def __init__(self, store: PostgresEventStore, conn: asyncpg.Connection, transaction):
        self._store, self._conn, self._transaction = store, conn, transaction
        self._open = True

    @classmethod
    async def begin(cls, store: PostgresEventStore) -> HeldTransaction:
        conn = await store._pool.acquire()
        transaction = conn.transaction()
        await transaction.start()
        # Take the transaction id now, so this write's place in the commit order is fixed here.
        await conn.execute("SELECT pg_current_xact_id()")
        return cls(store, conn, transaction)

    async def append(self, stream_id: str, events: Sequence[NewEvent], expected: int | None) -> AppendResult:
        return await self._store._append_at(stream_id, events, -1 if expected is None else expected, self._conn)

    async def commit(self) -> None:
        await self._finish(self._transaction.commit)

    async def rollback(self) -> None:
        await self._finish(self._transaction.rollback)

    async def _finish(self, how) -> None:
        if self._open:
            self._open = False
            try:
                await how()
            finally:
                await self._store._pool.release(self._conn)


class TestPostgresEventStore(EventStoreContract):
    @pytest.fixture
    async def store(self, fresh_database_url: str) -> AsyncIterator[PostgresEventStore]:
        pool = await create_pool(fresh_database_url, min_size=2, max_size=25)
        try:
            store = PostgresEventStore(pool)
            await store.migrate()
            yield store
        finally:
            try:
                await asyncio.wait_for(pool.close(), 10)
            except TimeoutError:
                pool.terminate()

    async def tamper_update(self, store: PostgresEventStore, stream_id: str, version: int) -> None:
        status = await store._pool.execute(
            "UPDATE eventstore.events SET data = data || '{\"tampered\": true}'::jsonb"
            " WHERE stream_id = $1 AND stream_version = $2",
            stream_id, version,
        )
        assert status == "UPDATE 1"

    async def tamper_delete(self, store: PostgresEventStore, stream_id: str, version: int) -> None:
        status = await store._pool.execute(
            "DELETE FROM eventstore.events WHERE stream_id = $1 AND stream_version = $2", stream_id, version
        )
        assert status == "DELETE 1"

    async def hold_open_append(self, store: PostgresEventStore) -> HeldTransaction:
        return await HeldTransaction.begin(store)

"""The three systems measured: our store, the ceiling (bare asyncpg inserts) and the peer (eventsourcing).

Each has ``name``, ``setup()``, ``append(plan)``, ``read_all()`` (returns the events read) and ``close()``.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import asyncpg

from shared.db import create_pool
from shared.eventstore.port import NO_STREAM, Position
from shared.eventstore.postgres import PostgresEventStore

from .config import PAGE
from .workload import Append, envelope

ZERO_HASH = b"\x00" * 32


class Ours:
    name = "ours"

    def __init__(self, url: str):
        self.url = url

    async def setup(self) -> None:
        self.pool = await create_pool(self.url, min_size=16, max_size=16)
        self.store = PostgresEventStore(self.pool)
        await self.store.migrate()

    async def append(self, plan: list[list[Append]]) -> None:
        async def writer(appends: list[Append]) -> None:
            for a in appends:
                expected = NO_STREAM if a.first_version == 0 else a.first_version - 1
                result = await self.store.append(a.stream_id, a.events, expected)
                if result.versions[0] != a.first_version:
                    raise AssertionError(f"{a.stream_id}: got versions {result.versions}")

        await asyncio.gather(*(writer(appends) for appends in plan))

    async def read_all(self) -> int:
        count, after = 0, Position.start()
        while batch := await self.store.read_all(after, PAGE):
            count += len(batch)
            after = batch[-1].position
        return count

    async def close(self) -> None:
        await self.pool.close()


CEILING_DDL = """
CREATE SCHEMA bench_ceiling;
CREATE TABLE bench_ceiling.events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        uuid NOT NULL,
    stream_id       text NOT NULL,
    stream_version  bigint NOT NULL,
    event_type      text NOT NULL,
    schema_version  integer NOT NULL,
    data            jsonb NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    correlation_id  uuid NOT NULL,
    causation_id    uuid,
    actor           jsonb NOT NULL,
    producer        text NOT NULL,
    prev_hash       bytea NOT NULL,
    hash            bytea NOT NULL
);
"""
INSERT_TAIL = (
    " (event_id, stream_id, stream_version, event_type, schema_version, data, occurred_at, recorded_at,"
    " correlation_id, causation_id, actor, producer, prev_hash, hash)"
    " SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::jsonb[],"
    " $7::timestamptz[], $8::timestamptz[], $9::uuid[], $10::uuid[], $11::jsonb[], $12::text[],"
    " $13::bytea[], $14::bytea[])"
)
CEILING_INSERT = "INSERT INTO bench_ceiling.events" + INSERT_TAIL
CEILING_SELECT = (
    "SELECT id, event_id, stream_id, stream_version, event_type, schema_version, data, occurred_at,"
    " recorded_at, correlation_id, causation_id, actor, producer, prev_hash, hash"
    " FROM bench_ceiling.events WHERE id > $1 ORDER BY id LIMIT $2"
)


def insert_columns(a: Append, first_version: int, recorded_at: datetime) -> list[list[Any]]:
    """The append's rows as the 14 column arrays of the unnest insert; hashes left as zeros."""
    rows = [
        (e.event_id, a.stream_id, first_version + i, e.event_type, e.schema_version, e.data, e.occurred_at,
         recorded_at, e.correlation_id, e.causation_id, e.actor.as_json(), e.producer, ZERO_HASH, ZERO_HASH)
        for i, e in enumerate(a.events)
    ]
    return [list(column) for column in zip(*rows, strict=True)]


class Ceiling:
    name = "ceiling"

    def __init__(self, url: str):
        self.url = url

    async def setup(self) -> None:
        self.pool = await create_pool(self.url, min_size=16, max_size=16)
        await self.pool.execute(CEILING_DDL)

    async def append(self, plan: list[list[Append]]) -> None:
        async def writer(appends: list[Append]) -> None:
            for a in appends:
                await self.pool.execute(CEILING_INSERT, *insert_columns(a, a.first_version, datetime.now(UTC)))

        await asyncio.gather(*(writer(appends) for appends in plan))

    async def read_all(self) -> int:
        count, after = 0, 0
        while rows := await self.pool.fetch(CEILING_SELECT, after, PAGE):
            count += len(rows)
            after = rows[-1]["id"]
        return count

    async def close(self) -> None:
        await self.pool.close()


class Peer:
    """eventsourcing's PostgresApplicationRecorder: psycopg, synchronous, writers as threads."""

    name = "peer"

    def __init__(self, url: str):
        self.url = url

    async def setup(self) -> None:
        from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

        parts = urlsplit(self.url)
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute("CREATE SCHEMA bench_peer")
        finally:
            await conn.close()
        self.datastore = PostgresDatastore(
            dbname=unquote(parts.path.lstrip("/")),
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            pool_size=16,
            schema="bench_peer",
        )
        self.recorder = PostgresApplicationRecorder(self.datastore, events_table_name="stored_events")
        await asyncio.to_thread(self.recorder.create_table)

    async def append(self, plan: list[list[Append]]) -> None:
        from eventsourcing.persistence import StoredEvent

        def writer(appends: list[Append]) -> None:
            for a in appends:
                stored = [
                    StoredEvent(
                        originator_id=a.stream_uuid,
                        originator_version=a.first_version + i,
                        topic=f"referral:{e.event_type}",
                        state=json.dumps(envelope(e, a.stream_id, a.first_version + i)).encode(),
                    )
                    for i, e in enumerate(a.events)
                ]
                self.recorder.insert_events(stored)

        def run() -> None:
            with ThreadPoolExecutor(max_workers=len(plan)) as pool:
                for future in [pool.submit(writer, appends) for appends in plan]:
                    future.result()

        await asyncio.to_thread(run)

    async def read_all(self) -> int:
        def run() -> int:
            count, after = 0, 0
            while batch := self.recorder.select_notifications(after, PAGE, inclusive_of_start=False):
                count += len(batch)
                after = batch[-1].id
            return count

        return await asyncio.to_thread(run)

    async def close(self) -> None:
        await asyncio.to_thread(self.datastore.close)

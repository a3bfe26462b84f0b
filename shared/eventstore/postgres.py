"""The PostgreSQL backend of the event store, on asyncpg (DESIGN D2).

No table lock per append: writers to different streams never wait for each other; writers to
one stream meet at its row in ``eventstore.streams`` (optimistic concurrency). Readers use the
transaction-id horizon so that an event whose transaction commits late is still delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import structlog

from shared.db import migrate, sql_scripts
from shared.eventstore.hashchain import canonical_data, event_body
from shared.eventstore.port import (
    Actor,
    AppendResult,
    ChainBreak,
    IdempotencyConflict,
    NewEvent,
    Position,
    RecordedEvent,
    WrongExpectedVersion,
)
from shared.eventstore.verify import verify_rows

log = structlog.get_logger()

SQL_DIR = Path(__file__).parent / "sql"
CHANNEL = "rj_events_appended"
WRONG_VERSION = "RJ409"
"""The SQLSTATE ``eventstore.append_events`` raises when the stream is not at the expected version."""
_COLUMNS = (
    "global_position, transaction_id::text::bigint AS commit_id, event_id, stream_id, stream_version,"
    " event_type, schema_version, data, occurred_at, recorded_at, correlation_id, causation_id,"
    " actor, producer, prev_hash, hash"
)
_READ = (
    "global_position, transaction_id::text::bigint AS commit_id, event_id, stream_id, stream_version, event_type,"
    " schema_version, data::text, occurred_at, recorded_at, correlation_id, causation_id,"
    " actor->>'kind', actor->>'id', actor->>'role', producer, hash"
)
"""What readers get, by position: the data as text (decoded when first read, ``DecodedOnRead``),
the actor's parts as columns (no JSON to decode), no previous hash (the verifier's).
The commit id is named: unnamed, the cast would be called ``transaction_id``, and ``ORDER BY
transaction_id`` would sort by it instead of walking the index."""
_HORIZON = "transaction_id < pg_snapshot_xmin(pg_current_snapshot())"


def _recorded(row: asyncpg.Record) -> RecordedEvent:
    (position, commit, event_id, stream_id, version, event_type, schema_version, data, occurred_at,
     recorded_at, correlation_id, causation_id, kind, actor_id, role, producer, hash_) = row
    return RecordedEvent(event_id, stream_id, version, Position(commit, position), event_type, schema_version,
                         data, occurred_at, recorded_at, correlation_id, causation_id,
                         Actor(kind, actor_id, role), producer, hash_)


class PostgresEventStore:
    """Event store on a PostgreSQL ≥ 13 database (needs ``xid8``)."""

    def __init__(self, pool: asyncpg.Pool, *, poll_interval: float = 1.0, read_timeout: float = 30.0):
        self._pool = pool
        self._poll_interval, self._read_timeout = poll_interval, read_timeout
        self._announcer = _Announcer(pool)
        self._followers: set[asyncio.Event] = set()  # this store's own subscribers, woken directly

    async def migrate(self) -> None:
        """Create the store's schema if it is not there yet."""
        await migrate(self._pool, "eventstore", sql_scripts(SQL_DIR))

    # -- writing -------------------------------------------------------------------------
    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None
    ) -> AppendResult:
        """Append atomically with optimistic concurrency; a retry of the same ids is a no-op.
        One round trip (``eventstore.append_events``, docs/decisions/0007); two for ``ANY_VERSION``,
        which first reads the version the stream is at."""
        if not events:
            raise ValueError("append needs at least one event")
        if len({e.event_id for e in events}) != len(events):
            # Otherwise the insert's unique violation looks like a lost race and is retried forever.
            raise IdempotencyConflict(f"stream {stream_id!r}: the same event id twice in one append")
        while True:
            expected = await self._version(stream_id) if expected_version is None else expected_version
            # No look-up of the ids before writing: a retry always fails the write (the stream has
            # moved, or the ids are taken), and only then do we ask whether it was a retry.
            try:
                result = await self._append_at(stream_id, events, expected)
                self._appended()
                return result
            except WrongExpectedVersion:
                # A retry of events already recorded finds the stream moved on by those very events.
                if existing := await self._already_recorded(stream_id, events):
                    return existing
                if expected_version is None:
                    continue  # any version will do: another writer moved the stream meanwhile
                raise
            except asyncpg.UniqueViolationError as conflict:
                # Another writer recorded the same ids first (a concurrent retry), or created the
                # same new stream first.
                if existing := await self._already_recorded(stream_id, events):
                    return existing
                if expected_version is None:
                    continue
                raise WrongExpectedVersion(stream_id, expected_version, await self._version(stream_id)) from conflict

    async def _append_at(self, stream_id: str, events: Sequence[NewEvent], expected: int,
                         conn: asyncpg.Connection | None = None) -> AppendResult:
        """One call: the head checked and moved, the chain extended (hashed by the server over the
        bodies sent), the events inserted — or ``WrongExpectedVersion``, with nothing written. On
        ``conn`` when given (the contract tests hold a transaction open on it), else on a pooled
        connection."""
        recorded_at = datetime.now(UTC)
        data = [canonical_data(e.data) for e in events]
        actors = [canonical_data(e.actor.as_json()) for e in events]
        bodies = [
            event_body(event_id=e.event_id, stream_id=stream_id, stream_version=expected + 1 + offset,
                       event_type=e.event_type, schema_version=e.schema_version, data=data[offset],
                       occurred_at=e.occurred_at, recorded_at=recorded_at, correlation_id=e.correlation_id,
                       causation_id=e.causation_id, actor=actors[offset], producer=e.producer)
            for offset, e in enumerate(events)
        ]
        try:
            positions = await (conn or self._pool).fetch(
                "SELECT eventstore.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) AS p",
                stream_id, expected, [e.event_id for e in events], [e.event_type for e in events],
                [e.schema_version for e in events], [e.occurred_at for e in events], recorded_at,
                [e.correlation_id for e in events], [e.causation_id for e in events], [e.producer for e in events],
                data, actors, bodies,
            )
        except asyncpg.PostgresError as error:
            if getattr(error, "sqlstate", None) == WRONG_VERSION:
                raise WrongExpectedVersion(stream_id, expected, int(error.detail)) from None
            raise
        return AppendResult(stream_id, tuple(range(expected + 1, expected + 1 + len(events))),
                            tuple(r["p"] for r in positions))

    def _appended(self) -> None:
        """After a commit: wake this store's followers now, and every other one (other processes)
        with the NOTIFY the announcer sends for the appends of the next moment."""
        for wake in self._followers:
            wake.set()
        self._announcer.appended()

    async def _already_recorded(self, stream_id: str, events: Sequence[NewEvent]) -> AppendResult | None:
        ids = [e.event_id for e in events]
        rows = await self._pool.fetch(
            "SELECT event_id, stream_id, stream_version, global_position FROM eventstore.events"
            " WHERE event_id = ANY($1::uuid[])",
            ids,
        )
        if not rows:
            return None
        found = {r["event_id"]: r for r in rows}
        if len(found) != len(ids) or any(r["stream_id"] != stream_id for r in rows):
            raise IdempotencyConflict(
                f"stream {stream_id!r}: {len(found)} of {len(ids)} event ids are already recorded"
                " (a retry must resend exactly the same events to the same stream)"
            )
        ordered = [found[i] for i in ids]
        return AppendResult(
            stream_id,
            tuple(r["stream_version"] for r in ordered),
            tuple(r["global_position"] for r in ordered),
            replayed=True,
        )

    async def _version(self, stream_id: str) -> int:
        version = await self._pool.fetchval(
            "SELECT version FROM eventstore.streams WHERE stream_id = $1", stream_id
        )
        return -1 if version is None else version

    # -- reading -------------------------------------------------------------------------
    async def read_stream(self, stream_id: str, from_version: int = 0) -> list[RecordedEvent]:
        """The stream's events in version order (empty if it does not exist)."""
        rows = await self._pool.fetch(
            f"SELECT {_READ} FROM eventstore.events WHERE stream_id = $1 AND stream_version >= $2"
            " ORDER BY stream_version",
            stream_id, from_version,
        )
        return [_recorded(r) for r in rows]

    async def read_all(
        self, after: Position, limit: int = 500, categories: Sequence[str] | None = None
    ) -> list[RecordedEvent]:
        """Events after ``after`` in commit order, up to the oldest transaction still running."""
        where = f"(transaction_id, global_position) > ($1::text::xid8, $2) AND {_HORIZON}"
        args: list[Any] = [str(after.commit), after.prepare, limit]
        if categories:
            where += " AND category = ANY($4::text[])"
            args.append(list(categories))
        rows = await self._pool.fetch(
            f"SELECT {_READ} FROM eventstore.events WHERE {where}"
            " ORDER BY transaction_id, global_position LIMIT $3",
            *args,
        )
        return [_recorded(r) for r in rows]

    async def subscribe(
        self, after: Position, categories: Sequence[str] | None = None, batch_size: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        """Catch up from ``after``, then follow: woken by NOTIFY, with a poll as the safety net.

        A lost LISTEN connection (the server restarted, or killed the backend) is re-established
        in the background with back-off; the poll keeps the follower moving meanwhile."""
        wake = asyncio.Event()
        listener = _Listener(self._pool, wake)
        await listener.open()
        self._followers.add(wake)
        try:
            while True:
                wake.clear()
                batch = await self._read_watched(listener, after, batch_size, categories)
                if batch is None:
                    continue
                for event in batch:
                    yield event
                    after = event.position
                if len(batch) < batch_size:
                    # A commit that is still behind the horizon wakes us when it is announced
                    # (by its own store, or its NOTIFY), or the poll picks it up once the older
                    # transaction has finished.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self._poll_interval):
                            await wake.wait()
        finally:
            self._followers.discard(wake)
            await listener.close()

    async def _read_watched(
        self, listener: _Listener, after: Position, batch_size: int, categories: Sequence[str] | None
    ) -> list[RecordedEvent] | None:
        """``read_all``, abandoned (None: read again) if the server went away while it ran, or if it
        takes far longer than a page ever does: a read on a pooled connection the server dropped
        (even one dropped before the read began) can hang in the pool's reset for a long time."""
        losses, began = listener.losses, asyncio.get_running_loop().time()
        read = asyncio.ensure_future(self.read_all(after, batch_size, categories))
        try:
            while True:
                done, _ = await asyncio.wait({read}, timeout=1.0)
                if done:
                    return read.result()
                if listener.losses != losses:
                    log.warning("eventstore.read_abandoned", reason="the database connection was lost")
                    return None
                if asyncio.get_running_loop().time() - began > self._read_timeout:
                    log.warning("eventstore.read_abandoned", reason=f"no answer in {self._read_timeout:.0f} s")
                    return None
        finally:
            if not read.done():
                read.cancel()
                # Bounded: a read stuck on a dead connection may not even finish cancelling promptly.
                read.add_done_callback(lambda f: f.cancelled() or f.exception())  # nobody awaits it later
                await asyncio.wait({read}, timeout=5.0)

    # -- auditing ------------------------------------------------------------------------
    async def verify(self, stream_id: str | None = None) -> list[ChainBreak]:
        """Recompute every hash of one stream, or of all, against the stream heads."""
        heads_sql = "SELECT stream_id, version, head_hash FROM eventstore.streams"
        rows_sql = f"SELECT {_COLUMNS} FROM eventstore.events"
        args: list[Any] = []
        if stream_id is not None:
            heads_sql += " WHERE stream_id = $1"
            rows_sql += " WHERE stream_id = $1"
            args.append(stream_id)
        async with self._pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            heads = {r["stream_id"]: (r["version"], r["head_hash"]) for r in await conn.fetch(heads_sql, *args)}
            breaks: list[ChainBreak] = []
            async for chunk in _chunks_by_stream(conn, rows_sql + " ORDER BY stream_id, stream_version", args):
                sid = chunk[0]["stream_id"]
                breaks += verify_rows(sid, chunk, heads.pop(sid, None))
            for sid, head in heads.items():
                breaks += verify_rows(sid, [], head)
        return breaks


class _Announcer:
    """Wakes the followers of other processes (LISTEN) after appends: one ``NOTIFY`` on a pooled
    connection once the append has committed, shared by the appends of the next ``gather`` seconds
    (a service's own relay, in the same process, is woken at once without it).

    Not from inside the appending transaction: PostgreSQL serialises the commits of all transactions
    that notify (a cluster-wide lock held through the commit's WAL flush), which cost concurrent
    writers a third of their rate. A notify that is lost (the process dies first, the database is
    away) costs a follower at most its poll interval."""

    def __init__(self, pool: asyncpg.Pool, *, gather: float = 0.02):
        self._pool, self._gather = pool, gather
        self._pending = False
        self._task: asyncio.Task | None = None

    def appended(self) -> None:
        self._pending = True
        loop = asyncio.get_running_loop()
        # A task of a loop that has since closed never finishes: it must not stand in for one.
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._announce(), name="eventstore-announcer")

    async def _announce(self) -> None:
        while self._pending:
            await asyncio.sleep(self._gather)  # the appends of the next moment share this notify
            self._pending = False
            try:
                await self._pool.execute("SELECT pg_notify($1, '')", CHANNEL)
            except Exception as error:  # the followers' poll picks the events up
                log.info("eventstore.notify_failed", error=repr(error))
                return


class _Listener:
    """The connection a follower LISTENs on, kept alive: when it is lost (its termination is
    reported, or a periodic check fails) it is acquired again with exponential back-off, and the
    follower is woken once it is back, for whatever was appended while nobody listened."""

    def __init__(self, pool: asyncpg.Pool, wake: asyncio.Event, *, first_delay: float = 0.1,
                 max_delay: float = 5.0, check_every: float = 15.0):
        self._pool, self._wake = pool, wake
        self._first_delay, self._max_delay, self._check_every = first_delay, max_delay, check_every
        self._conn: Any = None
        self._lost = asyncio.Event()
        self._watcher: asyncio.Task | None = None
        self.restored = 0
        self.losses = 0

    @property
    def listening(self) -> bool:
        return self._conn is not None and not self._lost.is_set() and not self._conn.is_closed()

    async def open(self) -> None:
        """Listen now (failing as the pool fails), then keep listening in the background."""
        await self._connect()
        self._watcher = asyncio.create_task(self._watch(), name="eventstore-listener")

    async def close(self) -> None:
        """Stop watching and release the connection. Bounded: the follower closing it must never
        wait on the watcher for longer than a moment, whatever it is stuck in."""
        if self._watcher is not None:
            self._watcher.cancel()
            done, _ = await asyncio.wait({self._watcher}, timeout=5.0)
            if not done:
                log.warning("eventstore.listener_did_not_stop", channel=CHANNEL)
            elif not self._watcher.cancelled() and self._watcher.exception() is not None:
                log.warning("eventstore.listener_failed", error=repr(self._watcher.exception()))
        await self._drop()

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    def _on_lost(self, *_: object) -> None:
        self.losses += 1
        self._lost.set()

    async def _connect(self) -> None:
        conn = await self._pool.acquire(timeout=10)
        try:
            await conn.add_listener(CHANNEL, self._on_notify)
            conn.add_termination_listener(self._on_lost)
        except BaseException:
            with contextlib.suppress(Exception):
                await self._pool.release(conn)
            raise
        self._conn = conn
        self._lost.clear()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        with contextlib.suppress(Exception):
            conn.remove_termination_listener(self._on_lost)
            await conn.remove_listener(CHANNEL, self._on_notify)
        with contextlib.suppress(Exception):
            await self._pool.release(conn, timeout=5)

    async def _alive(self) -> bool:
        if not self.listening:
            return False
        try:
            # LISTEN again: a no-op on a live session, and it keeps the session's last query telling.
            async with asyncio.timeout(10):
                await self._conn.execute(f'LISTEN "{CHANNEL}"')
            return True
        except asyncio.CancelledError:
            raise
        except Exception:
            return False

    async def _watch(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
            # lands just as the loss is signalled, and this loop would outlive close().
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._check_every):
                    await self._lost.wait()
            if await self._alive():
                continue
            log.warning("eventstore.listen_lost", channel=CHANNEL)
            await self._drop()
            delay = self._first_delay
            while True:
                try:
                    await self._connect()
                    break
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    log.info("eventstore.listen_retry", in_seconds=delay, error=repr(error))
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self._max_delay)
            self.restored += 1
            log.info("eventstore.listen_restored", channel=CHANNEL, times=self.restored)
            self._wake.set()


async def _chunks_by_stream(conn: asyncpg.Connection, sql: str, args: list[Any]):
    """Rows grouped by stream, streamed with a cursor so a large store is not loaded at once."""
    chunk: list[asyncpg.Record] = []
    async for row in conn.cursor(sql, *args, prefetch=2000):
        if chunk and row["stream_id"] != chunk[0]["stream_id"]:
            yield chunk
            chunk = []
        chunk.append(row)
    if chunk:
        yield chunk

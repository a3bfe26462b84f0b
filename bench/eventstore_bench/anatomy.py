"""``--anatomy``: from the ceiling to our store, one ingredient at a time, each on its own copy of our tables."""

from __future__ import annotations

import asyncio
import statistics
from datetime import UTC, datetime
from typing import Any

from shared.db import create_pool

from .report import Runs, cell_name, fmt, median_known
from .systems import INSERT_TAIL, ZERO_HASH, Ceiling, Ours, insert_columns
from .workload import Append

ANATOMY_SHAPES = [(1, 1), (16, 10)]  # (writers, batch) of the cells the anatomy times

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
        insert = f"INSERT INTO {s}.events" + INSERT_TAIL

        async def writer(appends: list[Append]) -> None:
            for a in appends:
                if self.precheck:
                    await self.pool.fetch(
                        f"SELECT event_id, stream_id, stream_version, global_position FROM {s}.events"
                        " WHERE event_id = ANY($1::uuid[])", [e.event_id for e in a.events],
                    )
                if not self.head:
                    await self.pool.execute(insert, *insert_columns(a, a.first_version, datetime.now(UTC)))
                    continue
                await self._append_under_head(a, insert)

        await asyncio.gather(*(writer(appends) for appends in plan))

    async def _append_under_head(self, a: Append, insert: str) -> None:
        """Our transaction: lock the stream head, check the version, move the head, insert the events."""
        s = self.schema
        async with self.pool.acquire() as conn, conn.transaction():
            head = await conn.fetchrow(
                f"SELECT version, head_hash FROM {s}.streams WHERE stream_id = $1 FOR UPDATE",
                a.stream_id,
            )
            current = head["version"] if head else -1
            if current != a.first_version - 1:
                raise AssertionError(f"{a.stream_id}: at version {current}")
            columns = insert_columns(a, current + 1, datetime.now(UTC))
            last = current + len(a.events)
            if head:
                await conn.execute(f"UPDATE {s}.streams SET version = $2, head_hash = $3"
                                   " WHERE stream_id = $1", a.stream_id, last, ZERO_HASH)
            else:
                await conn.execute(f"INSERT INTO {s}.streams (stream_id, version, head_hash)"
                                   " VALUES ($1, $2, $3)", a.stream_id, last, ZERO_HASH)
            await conn.fetch(insert + " RETURNING global_position", *columns)

    async def close(self) -> None:
        await self.pool.close()


def anatomy_steps(url: str, ours: Ours, ceiling: Ceiling) -> list[Any]:
    """The ceiling, three steps of our own, and our store: only the steps in between need setting up."""
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


def print_anatomy(steps: list[Any], shapes: list[tuple[int, int]], runs: Runs) -> None:
    """Per anatomy cell, each step's median events/s, time per append and CPU per event."""
    print()
    for writers, batch in shapes:
        cell = cell_name(writers, batch)
        header = (f"{'anatomy: ' + cell.removeprefix('append, '):<37}{'events/s':>10}"
                  f"{'us/append':>11}{'CPU us/ev client+server':>26}")
        print(header)
        print("-" * len(header))
        for step, name in zip(steps, ANATOMY_LABELS, strict=True):
            rs = runs[(cell, step.name)]
            rate = statistics.median(r.rate for r in rs)
            client = median_known([r.per_event(r.client_cpu) for r in rs])
            server = median_known([r.per_event(r.server_cpu) for r in rs])
            print(f"{name:<37}{rate:>10,.0f}{1e6 * batch * writers / rate:>11,.0f}"
                  f"{fmt(client) + '+' + fmt(server):>26}")
        print()

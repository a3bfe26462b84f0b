"""``--anatomy``: from the ceiling to our store, one ingredient at a time, each on its own copy of our tables."""

from __future__ import annotations

import asyncio
import statistics
from datetime import UTC, datetime
from typing import Any

from shared.db import create_pool

from .report import Runs, cell_name, fmt, median_known
from .systems import INSERT_TAIL, Ceiling, Ours, insert_columns
from .workload import Append

ANATOMY_SHAPES = [(1, 1), (16, 10)]  # (writers, batch) of the cells the anatomy times

STEP_DDL = """
CREATE SCHEMA {s};
CREATE TABLE {s}.events (LIKE eventstore.events INCLUDING ALL);
"""


class Step:
    """Our table without our append: one ``INSERT`` of the rows in autocommit into a copy of
    ``eventstore.events`` (its columns, generated category, unique and commit-order indexes), hashes
    left as zeros. The step after it is our store itself, whose difference is the stream head and
    the hash chain, checked and extended by ``eventstore.append_events`` in the same one call."""

    def __init__(self, url: str, name: str, schema: str):
        self.url, self.name, self.schema = url, name, schema

    async def setup(self) -> None:
        self.pool = await create_pool(self.url, min_size=16, max_size=16)
        await self.pool.execute(STEP_DDL.format(s=self.schema))

    async def append(self, plan: list[list[Append]]) -> None:
        insert = f"INSERT INTO {self.schema}.events" + INSERT_TAIL

        async def writer(appends: list[Append]) -> None:
            for a in appends:
                await self.pool.execute(insert, *insert_columns(a, a.first_version, datetime.now(UTC)))

        await asyncio.gather(*(writer(appends) for appends in plan))

    async def close(self) -> None:
        await self.pool.close()


def anatomy_steps(url: str, ours: Ours, ceiling: Ceiling) -> list[Any]:
    """The ceiling, our table, and our store: only the step in between needs setting up."""
    return [ceiling, Step(url, "+table", "bench_step_table"), ours]


ANATOMY_LABELS = (
    "ceiling (bare table, 1 statement)",
    "+table: our table and indexes",
    "+head and chain, 1 call: = ours",
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

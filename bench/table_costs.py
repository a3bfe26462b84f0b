#!/usr/bin/env python3
"""What each part of the events table costs the server: the same appends into copies of the table,
from bare to ours, one part added at a time.

    python bench/table_costs.py

Variants (each in its own schema of one scratch database on an embedded PostgreSQL): ``bare`` (the
ceiling's table), ``+2 unique`` (event id; stream and version), ``+commit idx`` (transaction id,
position), ``+category`` (the generated category column and its index), ``+notify`` (a statement
trigger that calls ``pg_notify``, as the store had until docs/decisions/0007). Rows are inserted as
the benchmark's ceiling inserts them (one ``unnest`` statement per append, autocommit); the table
gives the median events/s of 3 runs and the median server CPU per event (all PostgreSQL processes,
from /proc). Exploratory: the figures move with the machine's load, so compare within one run.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime

# Run as a script, Python puts bench/ first on sys.path (as for bench/eventstore.py).
from eventstore_bench.database import postgres_server, scratch_database
from eventstore_bench.systems import INSERT_TAIL, insert_columns
from eventstore_bench.workload import make_plan, plan_size

from shared.db import create_pool

TABLE = """
CREATE TABLE {schema}.events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id uuid NOT NULL {event_unique}, stream_id text NOT NULL, {category}
    stream_version bigint NOT NULL, event_type text NOT NULL, schema_version integer NOT NULL,
    data jsonb NOT NULL, occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL,
    correlation_id uuid NOT NULL, causation_id uuid, actor jsonb NOT NULL, producer text NOT NULL,
    prev_hash bytea NOT NULL, hash bytea NOT NULL {stream_unique});
"""
UNIQUE = {"event_unique": "UNIQUE", "stream_unique": ", UNIQUE (stream_id, stream_version)"}
CATEGORY = "category text NOT NULL GENERATED ALWAYS AS (split_part(stream_id, '-', 1)) STORED,"
COMMIT_INDEX = "CREATE INDEX ON {schema}.events (transaction_id, id);"
CATEGORY_INDEX = "CREATE INDEX ON {schema}.events (category, transaction_id, id);"
TRIGGER = ("CREATE TRIGGER appended AFTER INSERT ON {schema}.events FOR EACH STATEMENT"
           " EXECUTE FUNCTION public.notify_appended();")
VARIANTS = {
    "bare": ({"event_unique": "", "stream_unique": "", "category": ""}, ""),
    "+2 unique": ({**UNIQUE, "category": ""}, ""),
    "+commit idx": ({**UNIQUE, "category": ""}, COMMIT_INDEX),
    "+category": ({**UNIQUE, "category": CATEGORY}, COMMIT_INDEX + CATEGORY_INDEX),
    "+notify": ({**UNIQUE, "category": CATEGORY}, COMMIT_INDEX + CATEGORY_INDEX + TRIGGER),
}
SHAPES = [(1, 1, 1500), (16, 1, 3000), (1, 10, 6000), (16, 10, 8000)]  # writers, batch, events


def server_cpu_seconds() -> float:
    """CPU time of every PostgreSQL process on this machine (user + system)."""
    ticks = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() != "postgres":
                    continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


async def main() -> None:
    with postgres_server(None) as (admin_url, _):
        async with scratch_database(admin_url) as url:
            pool = await create_pool(url, min_size=16, max_size=16)
            await pool.execute("CREATE FUNCTION public.notify_appended() RETURNS trigger LANGUAGE plpgsql"
                               " AS $$ BEGIN PERFORM pg_notify('appended', ''); RETURN NULL; END $$;")
            schemas = {}
            for number, (name, (columns, extra)) in enumerate(VARIANTS.items()):
                schema = schemas[name] = f"variant{number}"
                await pool.execute(f"CREATE SCHEMA {schema};" + TABLE.format(schema=schema, **columns)
                                   + extra.format(schema=schema))
            counter: list[int] = [0]
            runs: dict[tuple[int, int, str], list[tuple[float, float]]] = {}
            for writers, batch, events in SHAPES:
                for _ in range(3):
                    for name, schema in schemas.items():
                        plan = make_plan(writers, batch, events, counter)
                        insert = f"INSERT INTO {schema}.events" + INSERT_TAIL
                        await pool.execute("CHECKPOINT")
                        cpu, began = server_cpu_seconds(), time.perf_counter()

                        async def writer(appends, insert=insert):
                            for a in appends:
                                await pool.execute(insert, *insert_columns(a, a.first_version, datetime.now(UTC)))

                        await asyncio.gather(*(writer(appends) for appends in plan))
                        took, used, count = time.perf_counter() - began, server_cpu_seconds() - cpu, plan_size(plan)
                        runs.setdefault((writers, batch, name), []).append((count / took, used / count * 1e6))
            print(f"{'cell':10} {'variant':12} {'events/s':>9} {'server us/event':>16}")
            for (writers, batch, name), figures in runs.items():
                rate = sorted(f[0] for f in figures)[1]
                cpu_per_event = sorted(f[1] for f in figures)[1]
                print(f"{writers:>2} x {batch:<5} {name:12} {rate:9,.0f} {cpu_per_event:16,.0f}")
            await pool.close()


if __name__ == "__main__":
    asyncio.run(main())

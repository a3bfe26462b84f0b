"""A read model rebuilt from the event store equals the live one, also when events keep coming."""

from __future__ import annotations

import asyncio
import uuid

from shared.contracts.referral import ReferralAcknowledged
from shared.envelope import Cause, new_event
from shared.eventstore.port import Actor
from tests.support import a_referral, eventually, record_referral

POLICE = Actor("agency", "thames-valley-police", "partner")
TABLES = {
    "referral": (("referral_status", "referral_id"),),
    "casework": (("triage_queue", "referral_id"), ("cases", "case_id")),
    "notifications": (("acknowledgement_deadlines", "referral_id"),),
    "reporting": (("referral_facts", "referral_id"),),
}


async def refer_and_acknowledge(runtime, n: int) -> list[uuid.UUID]:
    ids = []
    for i in range(n):
        referral = a_referral(source="victim_support" if i % 3 else "police", reference=f"REF-2026-{i:06d}")
        cause = Cause.fresh(POLICE)
        await record_referral(runtime.store, runtime.keys, referral)
        if i % 2:
            ack = await new_event(ReferralAcknowledged(referral_id=referral.referral_id, channel="email"),
                                  cause, runtime.keys)
            await runtime.store.append(f"referral-{referral.referral_id}", [ack], 0)
        ids.append(referral.referral_id)
    return ids


async def snapshot(runtime, table: str, key: str) -> list[dict]:
    rows = await runtime.pool.fetch(f"SELECT * FROM {runtime.schema}.{table} ORDER BY {key}")
    return [dict(r) for r in rows]


async def everything(runtime, table: str) -> list[str]:
    """A table's rows in a stable order, whatever its key."""
    return sorted(repr(tuple(r)) for r in await runtime.pool.fetch(f"SELECT * FROM {runtime.schema}.{table}"))


async def settled(system, expected: int) -> int:
    """Wait until every read model has its ``expected`` rows and every projection's inbox has seen
    every event in the store (casework's reactions add events of their own as they go); the total."""
    for service, tables in TABLES.items():
        runtime = system[service]
        for table, _ in tables:
            async def has_all(runtime=runtime, table=table):
                return await runtime.pool.fetchval(f"SELECT count(*) FROM {runtime.schema}.{table}") == expected

            await eventually(has_all, timeout=30)

    async def all_seen():
        total = await system["referral"].pool.fetchval("SELECT count(*) FROM eventstore.events")
        for runtime in system.values():
            for projection in runtime.definition.projections:
                seen = await runtime.pool.fetchval(f"SELECT count(*) FROM {runtime.schema}.{projection.name}_inbox")
                if seen != total:
                    return False
        return total

    return await eventually(all_seen, timeout=30)


async def test_every_rebuilt_read_model_equals_the_live_one(system):
    await refer_and_acknowledge(system["referral"], 30)
    total = await settled(system, 30)
    assert total == 30 + 15 + 30  # referrals, acknowledgements, and the cases they opened
    for service, tables in TABLES.items():
        runtime = system[service]
        for table, key in tables:
            assert len(await snapshot(runtime, table, key)) == 30, table
        every = [table for projection in runtime.definition.projections for table in projection.tables]
        live = {table: await everything(runtime, table) for table in every}
        done = await runtime.rebuild()
        assert done == {projection.name: total for projection in runtime.definition.projections}
        for table in every:  # every table of every read model, not only those counted above
            assert await everything(runtime, table) == live[table], f"{service}.{table} differs after rebuild"


async def test_a_rebuild_while_events_keep_arriving_loses_none_of_them(system):
    await refer_and_acknowledge(system["referral"], 20)
    await settled(system, 20)
    reporting = system["reporting"]
    writer = asyncio.create_task(refer_and_acknowledge(system["referral"], 20))
    await reporting.rebuild()
    await writer
    await settled(system, 40)
    live = await snapshot(reporting, "referral_facts", "referral_id")
    await reporting.rebuild()
    assert await snapshot(reporting, "referral_facts", "referral_id") == live
    assert len(live) == 40

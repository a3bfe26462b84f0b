#!/usr/bin/env python3
"""Rebuilding the reporting service's read models from the event store, beside the raw read rate.

    python bench/rebuild.py [--events N ...] [--database-url URL] [--writers W] [--quick]

For each size (default 100,000 and 1,000,000 events) a fresh database is filled with whole cases as
the services record them — a sealed ``ReferralReceived`` (every personal field under its subject's
key), then the case's own stream: opened, allocated, contact, both consents and risk assessments,
a preparation meeting, a conference scheduled and held, reparation agreed and completed, follow-up,
closed — 15 events a case. Then, on that database:

* ``raw read``  - every row of ``eventstore.events`` in commit order with plain asyncpg, keyset pages
  of 500, no decoding beyond the driver's: the ceiling of any replay from this store;
* ``read_all``  - the same through the store's ``read_all`` (pages of 500, ``RecordedEvent`` objects);
* ``rebuild``   - ``rj rebuild reporting`` as it runs: every projection of the reporting service
  replayed into fresh tables and swapped in, one projection after another (each reads the store).

Figures: events per second of wall clock (events in the store divided by the time; a rebuild's
figure counts each event once however many projections read it), and the peak resident memory of
this process during each step (from /proc/self/status ``VmHWM``, reset before each step where the
kernel allows it, else the running peak). Filling is timed too but is not a figure of the rebuild.

Without ``--database-url`` an embedded PostgreSQL is started in a temporary folder on a free port.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

# Run as a script, Python puts bench/ first on sys.path, so the package beside it imports directly.
from eventstore_bench.database import postgres_server, scratch_database

from rj.registry import SERVICES
from shared.contracts import casework as c
from shared.contracts.referral import ContactPreferences, Offence, Offender, ReferralReceived, Victim
from shared.crypto.keystore import LocalKeyWrapper, PostgresKeyStore
from shared.db import create_pool
from shared.envelope import Cause, new_event
from shared.eventstore.port import NO_STREAM, Actor, Position
from shared.eventstore.postgres import PostgresEventStore
from shared.runtime import ServiceRuntime

EVENTS_PER_CASE = 15
AREAS = ("Buckinghamshire", "Berkshire", "Oxfordshire", "Milton Keynes")
SOURCES = ("self", "police", "probation_victim_liaison", "victim_support", "prison")
OFFENCES = ("burglary", "criminal_damage", "assault", "theft", "robbery")
AGENCY = Actor("agency", "bench", "partner")
FACILITATOR = Actor("user", "ada", "facilitator")


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    try:  # Linux: writing 5 to clear_refs resets VmHWM to the current RSS
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def referral(n: int, at: datetime) -> ReferralReceived:
    source = SOURCES[n % len(SOURCES)]
    return ReferralReceived(
        referral_id=uuid4(), reference=f"REF-{at.year}-{n:06d}", source=source,
        agency_id=None if source == "self" else "bench",
        victim=Victim(subject_id=uuid4(), name=f"Victim {n}", email=f"v{n}@example.org", phone="07700 900123",
                      address=f"{n} High Street", postcode="HP20 1AA",
                      contact_preferences=ContactPreferences(channels=("email",), safe_times="any time")),
        offence=Offence(offence_type=OFFENCES[n % len(OFFENCES)], area=AREAS[n % len(AREAS)],
                        crime_reference=f"C{n}"),
        offender=Offender(subject_id=uuid4(), name=f"Offender {n}"),
        criminal_justice_stage="post_sentence", initiated_by="victim", victim_aware_of_referral=True, received_at=at)


def case_events(received: ReferralReceived) -> list:
    """The case a referral opens, worked to its close: 14 events in the case's stream."""
    case_id, victim, day = c.case_id_for(received.referral_id), received.victim.subject_id, received.received_at
    item = uuid4()
    return [
        c.CaseOpened(case_id=case_id, referral_id=received.referral_id, reference=f"RJ-{received.reference[4:]}",
                     received_at=day, source=received.source, offence_type=received.offence.offence_type,
                     area=received.offence.area, criminal_justice_stage=received.criminal_justice_stage),
        c.FacilitatorAllocated(case_id=case_id, facilitator="ada", level="advanced", allocated_by="sam"),
        c.ContactAttempted(case_id=case_id, subject_id=victim, party="victim", channel="phone", outcome="reached"),
        c.ConsentGiven(case_id=case_id, consent_id=uuid4(), party="victim", scope="participation", form="written"),
        c.ConsentGiven(case_id=case_id, consent_id=uuid4(), party="offender", scope="participation", form="written"),
        c.RiskAssessmentCompleted(case_id=case_id, subject_id=victim, assessment_id=uuid4(), party="victim",
                                  level="low", review_date=date(2030, 1, 1)),
        c.RiskAssessmentCompleted(case_id=case_id, subject_id=received.offender.subject_id, assessment_id=uuid4(),
                                  party="offender", level="low", review_date=date(2030, 1, 1)),
        c.PreparationMeetingHeld(case_id=case_id, party="victim", held_on=day.date() + timedelta(days=7)),
        c.ConferenceScheduled(case_id=case_id, subject_id=victim, conference_id=(conference := uuid4()),
                              at=day + timedelta(days=20), venue="Community centre",
                              participants=("victim", "offender")),
        c.ConferenceHeld(case_id=case_id, conference_id=conference, held_at=day + timedelta(days=20)),
        c.ReparationAgreed(case_id=case_id, subject_id=received.offender.subject_id, agreement_id=uuid4(),
                           items=(c.ReparationItem(item_id=item, kind="apology", description="A letter",
                                                   due=day.date() + timedelta(days=40)),)),
        c.ReparationItemCompleted(case_id=case_id, item_id=item, on=day.date() + timedelta(days=35)),
        c.FollowUpCompleted(case_id=case_id, party="victim", satisfied=True, would_recommend=True,
                            better_able_to_cope=True, feels_safer=True),
        c.CaseClosed(case_id=case_id, reason="completed_direct", referral_id=received.referral_id),
    ]


async def fill(store: PostgresEventStore, keys: PostgresKeyStore, events: int, writers: int) -> int:
    """Append ``events`` (rounded to whole cases) with ``writers`` concurrent writers; how many."""
    cases = max(1, events // EVENTS_PER_CASE)
    start = datetime(2024, 10, 1, 10, tzinfo=UTC)
    counter = iter(range(cases))
    done = 0

    async def writer() -> None:
        nonlocal done
        for n in counter:
            received = referral(n, start + timedelta(minutes=37 * n % (730 * 24 * 60)))
            await store.append(f"referral-{received.referral_id}",
                               [await new_event(received, Cause.fresh(AGENCY), keys)], NO_STREAM)
            cause = Cause.fresh(FACILITATOR)
            worked = [await new_event(event, cause, keys) for event in case_events(received)]
            await store.append(f"case-{c.case_id_for(received.referral_id)}", worked, NO_STREAM)
            done += 1
            if done % 2000 == 0:
                print(f"  filled {done * EVENTS_PER_CASE:,} events", file=sys.stderr, flush=True)

    await asyncio.gather(*(writer() for _ in range(writers)))
    return cases * EVENTS_PER_CASE


async def raw_read(pool) -> int:
    count, after = 0, 0
    async with pool.acquire() as conn:
        while rows := await conn.fetch(
                "SELECT global_position, event_id, stream_id, stream_version, event_type, data, recorded_at"
                " FROM eventstore.events WHERE global_position > $1 ORDER BY global_position LIMIT 500", after):
            count += len(rows)
            after = rows[-1]["global_position"]
    return count


async def store_read(store: PostgresEventStore) -> int:
    count, after = 0, Position.start()
    while batch := await store.read_all(after, 500):
        count += len(batch)
        after = batch[-1].position
    return count


async def timed(step, *args):
    reset_peak()
    began = time.perf_counter()
    result = await step(*args)
    return result, time.perf_counter() - began, peak_rss_mib()


async def one_size(admin_url: str, events: int, writers: int) -> dict:
    async with scratch_database(admin_url) as url:
        pool = await create_pool(url, max_size=writers + 4)
        try:
            store = PostgresEventStore(pool)
            await store.migrate()
            keys = PostgresKeyStore(pool, LocalKeyWrapper(os.urandom(32)))
            await keys.migrate()
            print(f"filling {events:,} events …", file=sys.stderr, flush=True)
            filled, fill_seconds, _ = await timed(fill, store, keys, events, writers)
            await pool.execute("VACUUM ANALYZE eventstore.events")
            _, raw_seconds, raw_peak = await timed(raw_read, pool)
            _, read_seconds, read_peak = await timed(store_read, store)
            settings = SERVICES["reporting"].settings(database_url=url, nats_url="nats://127.0.0.1:1",
                                                       identity_key=base64.b64encode(os.urandom(32)).decode())
            runtime = ServiceRuntime(SERVICES["reporting"].definition, settings)
            await runtime.open()
            try:
                print("rebuilding reporting …", file=sys.stderr, flush=True)
                done, rebuild_seconds, rebuild_peak = await timed(runtime.rebuild)
            finally:
                await runtime.pool.close()
            return {"events": filled, "fill": filled / fill_seconds, "raw": (filled / raw_seconds, raw_peak),
                    "read_all": (filled / read_seconds, read_peak),
                    "rebuild": (filled / rebuild_seconds, rebuild_peak, rebuild_seconds, sorted(done))}
        finally:
            await pool.close()


def report(results: list[dict], where: str) -> None:
    print(f"\nRebuild of reporting ({where}; {os.cpu_count()} CPUs)\n")
    print("| events | raw read, events/s | read_all, events/s | rebuild, events/s | rebuild, s | peak RSS MiB"
          " (raw / read_all / rebuild) | projections |")
    print("|---:|---:|---:|---:|---:|---|---|")
    for r in results:
        print(f"| {r['events']:,} | {r['raw'][0]:,.0f} | {r['read_all'][0]:,.0f} | {r['rebuild'][0]:,.0f} |"
              f" {r['rebuild'][2]:,.1f} | {r['raw'][1]:.0f} / {r['read_all'][1]:.0f} / {r['rebuild'][1]:.0f} |"
              f" {', '.join(r['rebuild'][3])} |")
    print("\nFilled at " + ", ".join(f"{r['fill']:,.0f} events/s ({r['events']:,})" for r in results) + ".")


async def main_async(args: argparse.Namespace) -> None:
    sizes = [3_000] if args.quick else args.events
    with postgres_server(args.database_url) as (admin_url, where):
        results = [await one_size(admin_url, size, args.writers) for size in sizes]
    report(results, where)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database-url")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="one small size, to check the benchmark runs")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()

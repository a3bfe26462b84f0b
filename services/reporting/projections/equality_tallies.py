"""Equality tallies: the latest tally casework published for each quarter (docs/decisions/0006) —
counts only, no case and no person.

A recount of a quarter replaces the earlier tally entirely, so a tally is kept only when its stream
version is above the one kept: an older tally delivered late (or again) changes nothing."""

from __future__ import annotations

from collections import Counter

import asyncpg

from services.reporting.domain.equality import Tally
from services.reporting.projections.case_facts import SCHEMA
from shared.contracts.casework import EqualityMonitoringTallied, TallyCount
from shared.envelope import Envelope
from shared.periods import Quarter

CELL = ("party", "decision", "question", "answer")


class EqualityTallies:
    name = "equality_tallies"
    tables = ("equality_tallies", "equality_counts")
    ddl = """
    CREATE TABLE IF NOT EXISTS equality_tallies (
        quarter     text PRIMARY KEY,
        version     bigint NOT NULL,
        counted_at  timestamptz NOT NULL
    );
    CREATE TABLE IF NOT EXISTS equality_counts (
        quarter   text NOT NULL,
        party     text NOT NULL,
        decision  text NOT NULL,
        question  text NOT NULL,
        answer    text NOT NULL,
        people    integer NOT NULL CHECK (people > 0),
        PRIMARY KEY (quarter, party, decision, question, answer)
    )"""

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        if not isinstance(event, EqualityMonitoringTallied):
            return
        # The row lock the upsert takes keeps two replicas applying two tallies of one quarter in turn.
        kept = await conn.fetchval(
            "INSERT INTO equality_tallies VALUES ($1, $2, $3) ON CONFLICT (quarter) DO UPDATE SET version ="
            " EXCLUDED.version, counted_at = EXCLUDED.counted_at WHERE equality_tallies.version < EXCLUDED.version"
            " RETURNING true", event.quarter, envelope.recorded.stream_version, event.counted_at)
        if not kept:
            return
        # The contract does not forbid one cell counted twice: add them rather than fail the delivery.
        people = Counter[tuple[str, ...]]()
        for n in event.counts:
            people[tuple(getattr(n, field) for field in CELL)] += n.people
        await conn.execute("DELETE FROM equality_counts WHERE quarter = $1", event.quarter)
        await conn.executemany("INSERT INTO equality_counts VALUES ($1, $2, $3, $4, $5, $6)",
                               [(event.quarter, *cell, n) for cell, n in people.items()])


async def quarter_tally(pool: asyncpg.Pool, quarter: Quarter) -> Tally | None:
    """The tally kept for ``quarter``, or None before casework has counted it."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        await conn.execute(f"SET LOCAL search_path TO {SCHEMA}")
        counted_at = await conn.fetchval("SELECT counted_at FROM equality_tallies WHERE quarter = $1", quarter.key)
        if counted_at is None:
            return None
        rows = await conn.fetch(f"SELECT {', '.join(CELL)}, people FROM equality_counts WHERE quarter = $1"
                                " ORDER BY question, answer, party, decision", quarter.key)
    return Tally(quarter.key, counted_at, tuple(TallyCount(**dict(row)) for row in rows))

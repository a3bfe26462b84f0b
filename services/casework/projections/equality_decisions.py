"""Who decided what, and when: each party's consent to take part and each decline, so the
equality tally knows which cases to count for a quarter without reading every stream. No personal
data: a case, a side, a decision and a time."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from services.casework.domain.equality import decision_of
from shared.envelope import Envelope
from shared.periods import Quarter
from shared.workingdays import LONDON


class EqualityDecisions:
    name = "equality_decisions"
    tables = ("equality_decisions",)
    ddl = """
    CREATE TABLE IF NOT EXISTS equality_decisions (
        case_id     uuid NOT NULL,
        party       text NOT NULL,
        decision    text NOT NULL,
        decided_at  timestamptz NOT NULL,
        PRIMARY KEY (case_id, party, decided_at, decision)
    );
    CREATE INDEX IF NOT EXISTS equality_decisions_by_time ON equality_decisions (decided_at)"""

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        decided = decision_of(envelope.event)
        if decided is None:
            return
        await conn.execute("INSERT INTO equality_decisions (case_id, party, decision, decided_at)"
                           " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                           envelope.event.case_id, *decided, envelope.recorded.occurred_at)  # type: ignore[attr-defined]


class DecidedCases:
    """The read model as the tally asks it."""

    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def quarters(self) -> list[Quarter]:
        """Every quarter with a decision in it (London dates)."""
        rows = await self._pool.fetch(
            "SELECT DISTINCT date_trunc('quarter', decided_at AT TIME ZONE $1)::date AS q"
            " FROM casework.equality_decisions", str(LONDON))
        return [Quarter.of(row["q"]) for row in rows]

    async def cases(self, quarter: Quarter) -> list[UUID]:
        """The cases with a decision in ``quarter``."""
        start, end = (datetime.combine(day, datetime.min.time(), LONDON) for day in (quarter.start, quarter.end))
        rows = await self._pool.fetch("SELECT DISTINCT case_id FROM casework.equality_decisions"
                                      " WHERE decided_at >= $1 AND decided_at < $2 ORDER BY case_id", start, end)
        return [row["case_id"] for row in rows]

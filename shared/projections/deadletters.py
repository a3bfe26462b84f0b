"""Dead letters: deliveries that failed ``max_deliver`` times, kept to be seen and re-driven."""

from __future__ import annotations

from typing import Any

import asyncpg

DEAD_LETTER_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.dead_letters (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consumer     text NOT NULL,
    event_id     text,
    subject      text NOT NULL,
    payload      jsonb NOT NULL,
    error        text NOT NULL,
    deliveries   integer NOT NULL,
    failed_at    timestamptz NOT NULL DEFAULT now(),
    redriven_at  timestamptz
)
"""


class DeadLetters:
    """The dead-letter table of one service's schema."""

    def __init__(self, pool: asyncpg.Pool, schema: str):
        self._pool, self.schema = pool, schema

    async def prepare(self) -> None:
        await self._pool.execute(DEAD_LETTER_DDL.format(schema=self.schema))

    async def record(
        self, *, consumer: str, event_id: str | None, subject: str, payload: Any, error: str, deliveries: int
    ) -> int:
        """Keep a failed message; returns its id."""
        return await self._pool.fetchval(
            f"INSERT INTO {self.schema}.dead_letters (consumer, event_id, subject, payload, error, deliveries)"
            " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            consumer, event_id, subject, payload, error[:4000], deliveries,
        )

    async def waiting(self) -> list[asyncpg.Record]:
        """Dead letters not yet re-driven, oldest first."""
        return await self._pool.fetch(
            f"SELECT id, consumer, event_id, subject, error, deliveries, failed_at FROM {self.schema}.dead_letters"
            " WHERE redriven_at IS NULL ORDER BY id"
        )

    async def get(self, letter_id: int) -> asyncpg.Record | None:
        return await self._pool.fetchrow(f"SELECT * FROM {self.schema}.dead_letters WHERE id = $1", letter_id)

    async def mark_redriven(self, letter_id: int) -> None:
        await self._pool.execute(
            f"UPDATE {self.schema}.dead_letters SET redriven_at = now() WHERE id = $1", letter_id
        )

    async def count(self) -> int:
        return await self._pool.fetchval(
            f"SELECT count(*) FROM {self.schema}.dead_letters WHERE redriven_at IS NULL"
        )

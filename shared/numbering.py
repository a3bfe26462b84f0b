"""Human reference numbers, ``<PREFIX>-<year>-<number>``, never one number for two records.

A number taken by a request that then recorded nothing is given back and handed out again first,
so failed requests leave no gaps (a process killed between taking a number and recording can still
leave one: a gap is the price of never giving a number twice). Each service keeps its own
``<schema>.reference_seq`` sequence and ``<schema>.returned_references`` table (its migrations)."""

from __future__ import annotations

import re

import asyncpg


def reference(prefix: str, year: int, number: int) -> str:
    """``RJ-2026-000123``."""
    return f"{prefix}-{year}-{number:06d}"


def parts(value: str) -> tuple[int, int]:
    """The year and number of a reference."""
    match = re.fullmatch(r"[A-Z]+-(\d{4})-(\d+)", value)
    if match is None:
        raise ValueError(f"not a reference: {value!r}")
    return int(match[1]), int(match[2])


class PostgresNumbering:
    """References from one service's sequence, with numbers given back reused first."""

    def __init__(self, pool: asyncpg.Pool, schema: str, prefix: str):
        self._pool, self._schema, self._prefix = pool, schema, prefix

    async def next(self, year: int) -> str:
        """A reference no recorded record has: a returned number (lowest first, skipping one
        another request is taking), else the sequence's next."""
        number = await self._pool.fetchval(
            f"DELETE FROM {self._schema}.returned_references WHERE (year, number) = ("
            f" SELECT year, number FROM {self._schema}.returned_references WHERE year = $1"
            " ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING number", year)
        if number is None:
            number = await self._pool.fetchval(f"SELECT nextval('{self._schema}.reference_seq')")
        return reference(self._prefix, year, number)

    async def release(self, value: str) -> None:
        """Give back a reference whose record was not made."""
        year, number = parts(value)
        await self._pool.execute(
            f"INSERT INTO {self._schema}.returned_references (year, number) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            year, number)

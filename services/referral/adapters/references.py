"""Human references for referrals: ``REF-<year>-<number>``, never two referrals with one number.

A number taken by a request that recorded nothing is given back and handed out again first, so
the numbering has no gaps from failed requests (a process killed between taking a number and
recording the referral can still leave one: a gap is the price of never giving a number twice).
"""

from __future__ import annotations

import re
from typing import Protocol

import asyncpg

REFERENCE = re.compile(r"^REF-(\d{4})-(\d+)$")


def reference(year: int, number: int) -> str:
    return f"REF-{year}-{number:06d}"


def parts(value: str) -> tuple[int, int]:
    """The year and number of a reference."""
    match = REFERENCE.match(value)
    if match is None:
        raise ValueError(f"not a referral reference: {value!r}")
    return int(match[1]), int(match[2])


class ReferenceNumbers(Protocol):
    async def next(self, year: int) -> str:
        """A reference no recorded referral has."""
        ...

    async def release(self, reference: str) -> None:
        """Give back a reference whose referral was not recorded."""
        ...


class PostgresReferenceNumbers:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def next(self, year: int) -> str:
        # A returned number first (lowest, skipping any another request is taking), else a new one.
        number = await self._pool.fetchval(
            "DELETE FROM referral.returned_references WHERE (year, number) = ("
            " SELECT year, number FROM referral.returned_references WHERE year = $1"
            " ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING number", year)
        if number is None:
            number = await self._pool.fetchval("SELECT nextval('referral.reference_seq')")
        return reference(year, number)

    async def release(self, value: str) -> None:
        year, number = parts(value)
        await self._pool.execute(
            "INSERT INTO referral.returned_references (year, number) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            year, number)

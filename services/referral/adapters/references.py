"""Human references for referrals: ``REF-<year>-<number>``, numbered by a sequence, never reused."""

from __future__ import annotations

from typing import Protocol

import asyncpg


class ReferenceNumbers(Protocol):
    async def next(self, year: int) -> str:
        """A reference no referral has had."""
        ...


class PostgresReferenceNumbers:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def next(self, year: int) -> str:
        return f"REF-{year}-{await self._pool.fetchval('SELECT nextval($1)', 'referral.reference_seq'):06d}"

"""Human references for referrals: ``REF-<year>-<number>`` (shared numbering, with numbers
given back by requests that recorded nothing handed out again first)."""

from __future__ import annotations

from typing import Protocol

import asyncpg

from shared.numbering import PostgresNumbering


class ReferenceNumbers(Protocol):
    async def next(self, year: int) -> str:
        """A reference no recorded referral has."""
        ...

    async def release(self, reference: str) -> None:
        """Give back a reference whose referral was not recorded."""
        ...


def postgres_reference_numbers(pool: asyncpg.Pool) -> ReferenceNumbers:
    return PostgresNumbering(pool, "referral", "REF")

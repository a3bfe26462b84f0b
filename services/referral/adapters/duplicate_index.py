"""Where possible duplicates are looked for: crime reference and a keyed fingerprint of the victim.
Written at intake, not by a projection, so that two quick repeats still find each other."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

import asyncpg

from services.referral.domain.duplicates import EarlierReferral

MOST_RECENT = 20  # a crime reference and victim recur a handful of times at most


class DuplicateIndex(Protocol):
    async def matching(self, crime_reference: str, fingerprint: str) -> list[EarlierReferral]:
        """The most recent referrals with this crime reference (any case) and victim fingerprint."""
        ...

    async def add(self, referral_id: UUID, crime_reference: str | None, fingerprint: str, victim_subject: UUID,
                  received_at: datetime) -> None:
        """Make a referral findable (once; a repeat changes nothing)."""
        ...


class PostgresDuplicateIndex:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def matching(self, crime_reference: str, fingerprint: str) -> list[EarlierReferral]:
        rows = await self._pool.fetch(
            "SELECT referral_id, received_at FROM referral.duplicate_index WHERE upper(crime_reference) = upper($1)"
            " AND victim_fingerprint = $2 ORDER BY received_at DESC LIMIT $3",
            crime_reference, fingerprint, MOST_RECENT,
        )
        return [EarlierReferral(r["referral_id"], r["received_at"]) for r in rows]

    async def add(self, referral_id: UUID, crime_reference: str | None, fingerprint: str, victim_subject: UUID,
                  received_at: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO referral.duplicate_index VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            referral_id, crime_reference, fingerprint, victim_subject, received_at,
        )

"""Idempotency keys: which referral a partner's key (or CloudEvent source and id) stands for."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

import asyncpg


class IdempotencyKeys(Protocol):
    async def claim(self, agency_id: str, key: str, request_hash: str, candidate: UUID) -> tuple[UUID, str]:
        """Bind ``key`` to ``candidate`` unless it is bound already; the referral id it stands for
        and the hash of the request that first used it."""
        ...


class PostgresIdempotencyKeys:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def claim(self, agency_id: str, key: str, request_hash: str, candidate: UUID) -> tuple[UUID, str]:
        await self._pool.execute(
            "INSERT INTO referral.idempotency (agency_id, key, request_hash, referral_id) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT DO NOTHING", agency_id, key, request_hash, candidate,
        )
        row = await self._pool.fetchrow(
            "SELECT referral_id, request_hash FROM referral.idempotency WHERE agency_id = $1 AND key = $2",
            agency_id, key,
        )
        return row["referral_id"], row["request_hash"]

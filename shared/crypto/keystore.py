"""Per-subject data keys in PostgreSQL, wrapped by a key-encryption key (the KMS seam)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol
from uuid import UUID

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.db import migrate, sql_scripts

SQL_DIR = Path(__file__).parent / "sql"


class KeyWrapper(Protocol):
    """Wraps data keys at rest. A KMS client implements the same two methods in production."""

    def wrap(self, subject_id: UUID, key: bytes) -> bytes: ...
    def unwrap(self, subject_id: UUID, wrapped: bytes) -> bytes: ...


class LocalKeyWrapper:
    """AES-GCM under a key-encryption key held by the process (from settings, never in code)."""

    def __init__(self, kek: bytes):
        if len(kek) != 32:
            raise ValueError("the key-encryption key must be 32 bytes")
        self._aead = AESGCM(kek)

    def wrap(self, subject_id: UUID, key: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, key, subject_id.bytes)

    def unwrap(self, subject_id: UUID, wrapped: bytes) -> bytes:
        return self._aead.decrypt(wrapped[:12], wrapped[12:], subject_id.bytes)


class PostgresKeyStore:
    """Data keys by subject. ``forget`` destroys a key for good."""

    def __init__(self, pool: asyncpg.Pool, wrapper: KeyWrapper):
        self._pool, self._wrapper = pool, wrapper

    async def migrate(self) -> None:
        """Create the key store's schema if it is not there yet."""
        await migrate(self._pool, "keystore", sql_scripts(SQL_DIR))

    async def key_for_sealing(self, subject_id: UUID) -> bytes | None:
        """The subject's key, made on first use; None once the subject has been forgotten."""
        row = await self._pool.fetchrow(
            "SELECT wrapped_key FROM keystore.subject_keys WHERE subject_id = $1", subject_id
        )
        if row is None:
            fresh = self._wrapper.wrap(subject_id, AESGCM.generate_key(bit_length=256))
            row = await self._pool.fetchrow(
                "INSERT INTO keystore.subject_keys (subject_id, wrapped_key) VALUES ($1, $2)"
                " ON CONFLICT (subject_id) DO UPDATE SET subject_id = EXCLUDED.subject_id"
                " RETURNING wrapped_key",
                subject_id, fresh,
            )
        wrapped = row["wrapped_key"]
        return None if wrapped is None else self._wrapper.unwrap(subject_id, wrapped)

    async def keys_for_opening(self, subject_ids: Iterable[UUID]) -> dict[UUID, bytes]:
        """The keys that still exist among ``subject_ids`` (forgotten ones are absent)."""
        ids = list(set(subject_ids))
        if not ids:
            return {}
        rows = await self._pool.fetch(
            "SELECT subject_id, wrapped_key FROM keystore.subject_keys"
            " WHERE subject_id = ANY($1::uuid[]) AND wrapped_key IS NOT NULL",
            ids,
        )
        return {r["subject_id"]: self._wrapper.unwrap(r["subject_id"], r["wrapped_key"]) for r in rows}

    async def discard(self, subject_ids: Iterable[UUID]) -> None:
        """Remove the keys of subjects a failed request made and nothing recorded: the caller
        knows no event names them. Unlike ``forget`` this leaves no trace (there was nothing)."""
        await self._pool.execute(
            "DELETE FROM keystore.subject_keys WHERE subject_id = ANY($1::uuid[]) AND forgotten_at IS NULL",
            list(subject_ids),
        )

    async def forget(self, subject_id: UUID, by: str = "system") -> None:
        """Destroy the subject's key; their sealed fields read as erased from now on."""
        await self._pool.execute(
            "INSERT INTO keystore.subject_keys (subject_id, wrapped_key, forgotten_at, forgotten_by)"
            " VALUES ($1, NULL, now(), $2)"
            " ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL,"
            " forgotten_at = coalesce(keystore.subject_keys.forgotten_at, now()),"
            " forgotten_by = coalesce(keystore.subject_keys.forgotten_by, EXCLUDED.forgotten_by)",
            subject_id, by,
        )

    async def is_forgotten(self, subject_id: UUID) -> bool:
        """Whether the subject's key has been destroyed."""
        return bool(await self._pool.fetchval(
            "SELECT forgotten_at IS NOT NULL FROM keystore.subject_keys WHERE subject_id = $1", subject_id
        ))

"""Partner agencies' API keys: shown once, stored only as a hash, scoped, revocable (DESIGN D10)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

import asyncpg

SCOPES = ("referrals:write", "referrals:read", "events:write")
KEY_PREFIX = "rjk_"


@dataclass(frozen=True)
class Agency:
    agency_id: str
    name: str
    scopes: tuple[str, ...]


def _hash(key: str) -> str:
    # Keys are 256 random bits, so a fast hash is enough: there is nothing to guess from it.
    return hashlib.sha256(key.encode()).hexdigest()


def agency_id_for(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "agency"


async def add(pool: asyncpg.Pool, name: str, scopes: tuple[str, ...] = SCOPES) -> tuple[Agency, str]:
    """Register an agency (or give it a new key); returns the key, which is never stored."""
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scope(s) {', '.join(sorted(unknown))}; allowed: {', '.join(SCOPES)}")
    agency = Agency(agency_id_for(name), name, tuple(scopes))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    await pool.execute(
        "INSERT INTO referral.agencies (agency_id, name, scopes, key_hash) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (agency_id) DO UPDATE SET name = $2, scopes = $3, key_hash = $4, revoked_at = NULL,"
        " created_at = now()",
        agency.agency_id, name, list(scopes), _hash(key),
    )
    return agency, key


async def revoke(pool: asyncpg.Pool, agency_id: str) -> bool:
    """Stop an agency's key working at once; True if there was a live key."""
    done = await pool.execute(
        "UPDATE referral.agencies SET revoked_at = now() WHERE agency_id = $1 AND revoked_at IS NULL", agency_id
    )
    return done.endswith(" 1")


async def authenticate(pool: asyncpg.Pool, key: str) -> Agency | None:
    """The agency whose live key this is, or None."""
    row = await pool.fetchrow(
        "SELECT agency_id, name, scopes FROM referral.agencies WHERE key_hash = $1 AND revoked_at IS NULL",
        _hash(key),
    )
    return Agency(row["agency_id"], row["name"], tuple(row["scopes"])) if row else None


async def listing(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT agency_id, name, scopes, created_at, revoked_at FROM referral.agencies"
                            " ORDER BY agency_id")

"""Web sessions: a signed cookie naming the person and a session id, checked against a row in
``identity.sessions`` on every request, so signing out and disabling end a session at once."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from shared.identity.accounts import is_username
from shared.identity.tokens import Principal, sign, unsign

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
# Moving last_seen_at on every page would write on every read; once a minute is close enough to
# the 30 minutes idle limit.
TOUCH_EVERY = timedelta(minutes=1)
_COOKIE_SALT = "rj identity session cookie"  # a bearer token, signed with another salt, is no cookie


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _hash(session_id: str) -> bytes:
    # Session ids are 256 random bits: a fast hash hides them from a copy of the table.
    return hashlib.sha256(session_id.encode()).digest()


class SessionStore:
    """Sessions ending after ``idle`` without a request or ``absolute`` after sign-in, whichever
    comes first, or when revoked. ``clock`` is injectable for tests."""

    def __init__(self, pool: asyncpg.Pool, secret: bytes, *, idle: timedelta = IDLE,
                 absolute: timedelta = ABSOLUTE, clock: Callable[[], datetime] = _utc_now):
        self._pool, self._secret = pool, secret
        self.idle, self.absolute, self._clock = idle, absolute, clock

    async def create_session(self, username: str) -> str:
        """A new session for the enabled account ``username``: the signed cookie value to set.
        LookupError if there is no such enabled account."""
        session_id, now = secrets.token_urlsafe(32), self._clock()
        stored = await self._pool.fetchval(
            "INSERT INTO identity.sessions (session_hash, username, created_at, last_seen_at, expires_at)"
            " SELECT $1, username, $3, $3, $4 FROM identity.accounts"
            " WHERE lower(username) = lower($2) AND enabled RETURNING username",
            _hash(session_id), username if is_username(username) else "", now, now + self.absolute,
        )
        if stored is None:
            raise LookupError(f"username: no enabled account is called {username!r}")
        return sign({"u": stored, "s": session_id}, self._secret, _COOKIE_SALT)

    async def read_session(self, cookie: str) -> Principal | None:
        """Who the session cookie signs in, while the session is live and the account enabled."""
        session = self._parse(cookie)
        if session is None:
            return None
        row = await self._pool.fetchrow(
            "SELECT s.last_seen_at, s.expires_at, a.username, a.role, a.level, a.display_name"
            " FROM identity.sessions s JOIN identity.accounts a ON a.username = s.username"
            " WHERE s.session_hash = $1 AND a.username = $2 AND s.revoked_at IS NULL AND a.enabled",
            _hash(session[1]), session[0],
        )
        now = self._clock()
        if row is None or now >= row["expires_at"] or now >= row["last_seen_at"] + self.idle:
            return None
        if now - row["last_seen_at"] >= TOUCH_EVERY:
            await self._pool.execute("UPDATE identity.sessions SET last_seen_at = $2"
                                     " WHERE session_hash = $1 AND last_seen_at < $2", _hash(session[1]), now)
        return Principal(row["username"], row["role"], row["level"], row["display_name"])

    async def revoke_session(self, cookie: str) -> bool:
        """End the session (signing out); True if it was live."""
        session = self._parse(cookie)
        if session is None:
            return False
        done = await self._pool.execute(
            "UPDATE identity.sessions SET revoked_at = $2 WHERE session_hash = $1 AND revoked_at IS NULL",
            _hash(session[1]), self._clock(),
        )
        return done.endswith(" 1")

    async def revoke_all_for(self, username: str) -> int:
        """End every session of ``username`` (any case); how many were live."""
        if not is_username(username):
            return 0
        done = await self._pool.execute(
            "UPDATE identity.sessions SET revoked_at = $2 WHERE revoked_at IS NULL AND username ="
            " (SELECT username FROM identity.accounts WHERE lower(username) = lower($1))",
            username, self._clock(),
        )
        return int(done.rsplit(" ", 1)[1])

    def _parse(self, cookie: str) -> tuple[str, str] | None:
        payload = unsign(cookie, self._secret, _COOKIE_SALT) if cookie else None
        if payload is None or not isinstance(payload.get("u"), str) or not isinstance(payload.get("s"), str):
            return None
        return payload["u"], payload["s"]

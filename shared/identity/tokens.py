"""Short-lived signed bearer tokens for people, and the :class:`Principal` a request acts as.

A token is the principal and its expiry, signed (HMAC-SHA256, itsdangerous) with a secret derived
from the key-encryption key. It is checked without the database; :func:`active_principal` adds
the one query that stops a disabled account's tokens before they expire.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from itsdangerous import BadSignature, URLSafeSerializer

from shared.crypto.derive import purpose_key

TOKEN_TTL = timedelta(minutes=15)
_TOKEN_SALT = "rj identity bearer token"  # a session cookie, signed with another salt, is no token


class TokenError(Exception):
    """A bearer token that cannot be accepted; the message says why, for the 401's detail."""


class TokenExpired(TokenError):
    pass


class TokenInvalid(TokenError):
    pass


class Person(Protocol):
    username: str
    role: str
    level: str | None
    display_name: str


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: enough to decide what they may do, nothing more."""

    username: str
    role: str
    level: str | None
    display_name: str

    @classmethod
    def of(cls, person: Person) -> Principal:
        """The principal of an account (or of anything shaped like one)."""
        return cls(person.username, person.role, person.level, person.display_name)


def identity_secret(kek: bytes) -> bytes:
    """The key that signs tokens and session cookies, derived from the key-encryption key, so
    the KEK itself signs nothing and this key opens nothing."""
    return purpose_key(kek, "identity tokens")


def _serializer(secret: bytes, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=salt, signer_kwargs={"digest_method": hashlib.sha256})


def sign(payload: dict[str, Any], secret: bytes, salt: str) -> str:
    """``payload`` signed for one purpose (``salt``)."""
    return _serializer(secret, salt).dumps(payload)


def unsign(value: str, secret: bytes, salt: str) -> dict[str, Any] | None:
    """The payload ``sign`` made under this secret and salt, or None for anything else."""
    try:
        payload = _serializer(secret, salt).loads(value)
    except (BadSignature, UnicodeError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def issue_token(person: Person, secret: bytes, ttl: timedelta = TOKEN_TTL, *, now: datetime | None = None) -> str:
    """A bearer token for ``person`` that expires ``ttl`` after ``now``."""
    expires = (now or datetime.now(UTC)) + ttl
    principal = Principal.of(person)
    return sign({"u": principal.username, "r": principal.role, "l": principal.level,
                 "n": principal.display_name, "exp": int(expires.timestamp())}, secret, _TOKEN_SALT)


def read_token(token: str, secret: bytes, *, now: datetime | None = None) -> Principal:
    """The principal a token was issued for; :class:`TokenExpired` or :class:`TokenInvalid` otherwise."""
    payload = unsign(token, secret, _TOKEN_SALT)
    try:
        principal = Principal(payload["u"], payload["r"], payload["l"], payload["n"])
        expires = int(payload["exp"])
    except (TypeError, KeyError, ValueError):
        raise TokenInvalid("the token is not one this system issued") from None
    if (now or datetime.now(UTC)).timestamp() >= expires:
        raise TokenExpired("the token has expired; ask for a new one")
    return principal


class EnabledCheck(Protocol):
    async def is_enabled(self, username: str) -> bool: ...


async def active_principal(accounts: EnabledCheck, token: str, secret: bytes, *,
                           now: datetime | None = None) -> Principal:
    """:func:`read_token`, and the account still enabled (one query): disabling someone stops
    their tokens at once, not when they expire."""
    principal = read_token(token, secret, now=now)
    if not await accounts.is_enabled(principal.username):
        raise TokenInvalid("the account this token was issued for is disabled or gone")
    return principal

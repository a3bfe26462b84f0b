"""Private links that name one thing (a referral, a case) and nothing else: signed, expiring.

A link's token is ``itsdangerous``-signed JSON (HMAC-SHA1 over a key of 32 bytes) holding the id,
the moment it was made and the moment it stops working; the key is a purpose key (``derive.purpose_key(kek, purpose)``),
so a token made for one purpose never opens another, and anyone holding the KEK (the service
that mints the link and the service that serves the page) makes and checks the same tokens.
Revocation is not here: the owner of the thing records it as an event, and refuses tokens
issued before it (``LinkClaims.issued_at``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from itsdangerous import BadSignature, URLSafeSerializer

DEFAULT_LIFETIME = timedelta(days=180)


@dataclass(frozen=True)
class LinkClaims:
    """What a valid token says: whose it is, when it was made, when it stops working."""

    subject_id: UUID
    issued_at: datetime
    expires_at: datetime


def _serializer(key: bytes) -> URLSafeSerializer:
    return URLSafeSerializer(key, salt="rj private link")


def sign_link(key: bytes, subject_id: UUID, *, lifetime: timedelta = DEFAULT_LIFETIME,
              now: datetime | None = None) -> str:
    """A URL-safe token for ``subject_id`` that stops working after ``lifetime``."""
    issued = now or datetime.now(UTC)
    # Made when, to the millisecond: a revocation stops the links made before it, not one sent just after.
    return _serializer(key).dumps({"id": str(subject_id), "iat": round(issued.timestamp(), 3),
                                   "exp": int((issued + lifetime).timestamp())})


def verify_link(key: bytes, token: str, *, now: datetime | None = None) -> LinkClaims | None:
    """The token's claims if ``key`` signed it and it has not expired; None otherwise."""
    try:
        body = _serializer(key).loads(token)
        claims = LinkClaims(UUID(body["id"]), datetime.fromtimestamp(float(body["iat"]), UTC),
                            datetime.fromtimestamp(int(body["exp"]), UTC))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    return claims if (now or datetime.now(UTC)) < claims.expires_at else None

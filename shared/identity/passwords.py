"""Password rules and argon2id hashing for local accounts (DESIGN D10)."""

from __future__ import annotations

import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; a megabyte "password" would only cost us time


def _canonical(password: str) -> bytes:
    # The same password typed on two keyboards may arrive composed or decomposed (NFC).
    # A lone surrogate (from a JSON escape) cannot be UTF-8; "surrogatepass" keeps it as bytes
    # that no stored password has, so it is simply wrong rather than an error.
    return unicodedata.normalize("NFC", password).encode("utf-8", "surrogatepass")


def check_password(password: str) -> str:
    """``password`` if it may be set; otherwise a ValueError naming the rule it breaks."""
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        raise ValueError(f"password: has {length} characters; at least {MIN_LENGTH} are needed")
    if length > MAX_LENGTH:
        raise ValueError(f"password: has {length} characters; at most {MAX_LENGTH} are allowed")
    if "\x00" in password or any(0xD800 <= ord(c) <= 0xDFFF for c in password):
        raise ValueError("password: contains a NUL or an unpaired surrogate; use printable characters")
    return password


class Passwords:
    """argon2id hashes with one set of parameters; ``needs_rehash`` tells when they changed."""

    def __init__(self, hasher: PasswordHasher | None = None):
        self._hasher = hasher or PasswordHasher()  # argon2-cffi's defaults: RFC 9106, argon2id
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        """The argon2id hash of a password that passed :func:`check_password`."""
        return self._hasher.hash(_canonical(check_password(password)))

    def rehash(self, password: str) -> str:
        """A new hash of a password that just verified: no rule applies, it was accepted once."""
        return self._hasher.hash(_canonical(password))

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored``. With no stored hash (unknown user) the work is
        done against a dummy hash anyway, so the time taken does not say whether the user exists."""
        if len(password) > MAX_LENGTH:
            stored, password = None, password[:MAX_LENGTH]  # same work as any refused password
        try:
            ok = self._hasher.verify(stored or self._dummy_hash(), _canonical(password))
        except (VerificationError, InvalidHashError):
            return False
        return ok and stored is not None

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters than this hasher's."""
        return self._hasher.check_needs_rehash(stored)

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self._hasher.hash(secrets.token_bytes(16))
        return self._dummy

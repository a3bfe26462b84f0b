"""Keys for one purpose each, derived from the key-encryption key, so the KEK itself only wraps."""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


@lru_cache(maxsize=32)
def purpose_key(kek: bytes, purpose: str) -> bytes:
    """A 32-byte key for ``purpose`` (HKDF-SHA256); the same inputs always give the same key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"rj {purpose}".encode()).derive(kek)


VICTIM_PROGRESS_LINK = "victim progress link"
"""The purpose of the key that signs a victim's private progress link (``shared.crypto.links``):
whoever mints the link (with the acknowledgement) and whoever serves the page derive it alike."""

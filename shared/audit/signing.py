"""The Ed25519 key that signs checkpoints. The database never holds it; the public half is all an
auditor needs."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SEED_SIZE = 32


def key_from_seed(seed_b64: str, *, where: str = "the signing key") -> Ed25519PrivateKey:
    """The private key from base64 of its 32-byte seed."""
    try:
        seed = base64.b64decode(seed_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"{where}: not base64 ({error}); give base64 of a 32-byte Ed25519 seed") from error
    if len(seed) != SEED_SIZE:
        raise ValueError(f"{where}: {len(seed)} bytes after base64 decoding; an Ed25519 seed is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def seed_of(key: Ed25519PrivateKey) -> str:
    """Base64 of the key's 32-byte seed (the form ``key_from_seed`` reads)."""
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    return base64.b64encode(raw).decode()


def load_or_create(path: Path) -> Ed25519PrivateKey:
    """The key in ``path``, made there (folder 700, file 600) if it does not exist yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        # O_EXCL: two first checkpoints at once must not each write a different key.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(seed_of(Ed25519PrivateKey.generate()) + "\n")
    return key_from_seed(path.read_text(), where=str(path))


def public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The public key as PEM (SubjectPublicKeyInfo), readable by OpenSSL and any Ed25519 library."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def read_public(path: Path) -> Ed25519PublicKey:
    """The public key from a PEM file written by ``public_pem``."""
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path}: not an Ed25519 public key")
    return key


def fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """SHA-256 of the PEM public key: what an auditor compares with the one they were given."""
    return "SHA256:" + hashlib.sha256(public_pem(key)).hexdigest()

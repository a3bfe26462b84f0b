"""Signed checkpoints of the running hash, one JSON line each in a file the auditor keeps.

A line is ``{"checkpoint": {...}, "signature": "<base64>"}``; the signature is Ed25519 over the
checkpoint's canonical JSON. Each checkpoint names the one before it (``previous``: SHA-256 of its
canonical JSON), so a line removed from the file shows too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "rj-audit-checkpoint/1"


def canonical(payload: dict[str, Any]) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(payload: dict[str, Any]) -> str:
    """SHA-256 (hex) of a checkpoint's canonical JSON: what the next checkpoint calls ``previous``."""
    return hashlib.sha256(canonical(payload)).hexdigest()


def sign(payload: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """The JSON line of a signed checkpoint."""
    signature = base64.b64encode(key.sign(canonical(payload))).decode()
    return json.dumps({"checkpoint": payload, "signature": signature}, sort_keys=True)


@dataclass(frozen=True)
class Checkpoint:
    """One line of the checkpoint file, read back. ``problem`` is why it cannot be trusted (a
    signature that does not verify, a line that is not a checkpoint); None when it can."""

    line: int
    payload: dict[str, Any]
    problem: str | None = None

    @property
    def trusted(self) -> bool:
        return self.problem is None

    @property
    def seq(self) -> int:
        return int(self.payload.get("seq", 0))

    @property
    def count(self) -> int:
        return int(self.payload["count"])

    @property
    def head(self) -> bytes:
        return bytes.fromhex(self.payload["head"])


def _check(line: int, text: str, public: Ed25519PublicKey) -> Checkpoint:
    try:
        entry = json.loads(text)
        payload, signature = entry["checkpoint"], base64.b64decode(entry["signature"], validate=True)
        if not isinstance(payload, dict):
            raise TypeError("checkpoint is not an object")
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        return Checkpoint(line, {}, f"line {line} is not a signed checkpoint ({error})")
    try:
        public.verify(signature, canonical(payload))
    except InvalidSignature:
        return Checkpoint(line, payload, f"line {line}: the signature does not verify with the public key")
    missing = [name for name in ("format", "count", "head") if name not in payload]
    if missing or payload["format"] != FORMAT:
        return Checkpoint(line, payload, f"line {line}: signed, but not a {FORMAT} checkpoint (missing {missing})")
    return Checkpoint(line, payload)


def read(path: Path, public: Ed25519PublicKey) -> tuple[list[Checkpoint], list[str]]:
    """Every line of the file, each checked against the public key; and what is wrong with the file
    as a whole: a signed checkpoint whose ``previous`` is not the line before it (a line removed,
    inserted or altered). That checkpoint's own signature still holds, so it is still used."""
    found: list[Checkpoint] = []
    gaps: list[str] = []
    previous: dict[str, Any] | None = None
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if not text.strip():
            continue
        checkpoint = _check(number, text, public)
        if checkpoint.trusted and previous is not None and checkpoint.payload.get("previous") != digest(previous):
            gaps.append(f"line {number}: checkpoint #{checkpoint.seq} does not follow the line before it"
                        " (a checkpoint was removed from, inserted into or altered in the file)")
        previous = checkpoint.payload
        found.append(checkpoint)
    return found, gaps


def last_payload(path: Path) -> dict[str, Any] | None:
    """The newest checkpoint in the file as written (unchecked), or None for no file or no lines."""
    if not path.exists():
        return None
    lines = [text for text in path.read_text().splitlines() if text.strip()]
    return json.loads(lines[-1])["checkpoint"] if lines else None


def append(path: Path, line: str) -> None:
    """Add one signed line to the file (made if absent)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(line + "\n")
        file.flush()

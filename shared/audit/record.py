"""Recording a checkpoint: the manifest, the signed line, the public key beside them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.audit import checkpoint as checkpoints
from shared.audit import manifest as manifests
from shared.audit import signing
from shared.audit.auditor import Fold

FILE = "checkpoints.jsonl"
PUBLIC_KEY = "audit-signing-key.pub"


class CheckpointRefused(Exception):
    """Signing now would bless a change: the store no longer matches the newest checkpoint, or the
    folder's public key is another key's."""


def write_public_key(folder: Path, key: Ed25519PrivateKey) -> Path:
    """Put the public key beside the checkpoints; refuse if another key's is there already."""
    path, pem = folder / PUBLIC_KEY, signing.public_pem(key)
    if path.exists() and path.read_bytes() != pem:
        raise CheckpointRefused(f"{path} holds another public key: this key's checkpoints could not be verified"
                                " with it (keep each key's checkpoints in their own folder)")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pem)
    return path


def check_continues(previous: dict[str, Any] | None, fold: Fold, file: Path) -> None:
    """Refuse unless the store's running hash at the newest checkpoint's count is still its head
    (``fold`` must have been read with that count among its marks)."""
    if previous is None:
        return
    mark = fold.marks.get(previous["count"])
    if mark is None or mark[0].hex() != previous["head"]:
        raise CheckpointRefused(f"the store no longer matches checkpoint #{previous.get('seq')} in {file}:"
                                " run `rj audit verify` to see what changed; nothing was signed")


def record_checkpoint(folder: Path, fold: Fold, key: Ed25519PrivateKey, *, now: datetime | None = None,
                      ) -> tuple[dict[str, Any], str]:
    """Sign the fold's running hash as the next checkpoint in ``folder/checkpoints.jsonl``, with its
    manifest in ``folder/manifests/``. Returns the checkpoint and its signed line."""
    file = folder / FILE
    write_public_key(folder, key)
    previous = checkpoints.last_payload(file)
    check_continues(previous, fold, file)
    seq = int(previous["seq"]) + 1 if previous else 1
    name = f"checkpoint-{seq:06d}.json.gz"
    recorded = manifests.write(folder / "manifests", name, fold.ledger)
    ledger = fold.ledger
    payload = {
        "format": checkpoints.FORMAT, "seq": seq, "count": ledger.count, "head": ledger.head.hex(),
        "position": [ledger.position.commit, ledger.position.prepare] if ledger.position else None,
        "streams": len(ledger.streams),
        "taken_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "manifest": {"file": f"manifests/{name}", "sha256": recorded["sha256"]},
        "previous": checkpoints.digest(previous) if previous else None,
        "key": signing.fingerprint(key),
    }
    line = checkpoints.sign(payload, key)
    checkpoints.append(file, line)
    return payload, line

"""``rj audit checkpoint|verify``: signed checkpoints of the whole store's running hash, kept outside
the database, and the auditor's check against them (ADR 0005).

Files, under the data folder: ``audit/checkpoints.jsonl`` (one signed checkpoint a line),
``audit/manifests/`` (what each checkpoint lets an auditor name), ``audit/audit-signing-key.pub``
(all an auditor needs to verify), and the private key ``secrets/audit-signing-key`` unless
``RJ_AUDIT_SIGNING_KEY`` gives it (base64 of the 32-byte Ed25519 seed)."""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rj.system import data_dir
from shared.audit import checkpoint as checkpoints
from shared.audit import signing
from shared.audit.auditor import AuditResult, Progress, audit, fold_store
from shared.audit.publish import publish
from shared.audit.record import PUBLIC_KEY, CheckpointRefused, record_checkpoint, write_public_key
from shared.db import create_pool
from shared.eventstore.postgres import PostgresEventStore
from shared.settings import ServiceSettings

log = structlog.get_logger()

CHECKPOINTS = Path("audit") / "checkpoints.jsonl"


@dataclass(frozen=True)
class CheckpointTaken:
    """What ``take_checkpoint`` signed and where it went; ``published`` is None if the broker was not reached."""

    payload: dict
    file: Path
    published: str | None
    broker_error: str | None


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``audit`` to ``rj``. It runs with the reporting service's settings — the engines' URLs and
    no key, since an audit opens no personal data — as ``args.run(args, settings)``."""
    parser = commands.add_parser("audit", help="signed checkpoints of the whole store, and the check against them")
    sub = parser.add_subparsers(dest="audit_command", required=True)
    sub.add_parser("checkpoint", help="sign the store's running hash now (file, and the broker if reachable)")
    verify = sub.add_parser("verify", help="check every stream, the commit order and every signed checkpoint")
    verify.add_argument("--checkpoint", metavar="FILE",
                        help="checkpoint file (default: <data dir>/audit/checkpoints.jsonl)")
    verify.add_argument("--public-key", metavar="FILE", help=f"PEM public key (default: {PUBLIC_KEY} beside the file)")
    parser.set_defaults(service="reporting", run=run)


def run(args: argparse.Namespace, settings: ServiceSettings) -> int:
    folder = data_dir(getattr(args, "data_dir", None))
    if args.audit_command == "checkpoint":
        return checkpoint_command(settings.database_url, settings.nats_url, folder)
    given = Path(args.checkpoint) if args.checkpoint else None
    return verify_command(settings.database_url, folder, given, Path(args.public_key) if args.public_key else None)


# -- taking a checkpoint -------------------------------------------------------------------
def signing_key(folder: Path) -> Ed25519PrivateKey:
    """``RJ_AUDIT_SIGNING_KEY`` if set, else ``<data dir>/secrets/audit-signing-key`` (made on first use)."""
    if from_env := os.environ.get("RJ_AUDIT_SIGNING_KEY"):
        return signing.key_from_seed(from_env, where="RJ_AUDIT_SIGNING_KEY")
    return signing.load_or_create(folder / "secrets" / "audit-signing-key")


def _progress(verb: str) -> Progress:
    def report(count: int, seconds: float) -> None:
        rate = count / seconds if seconds else 0.0
        print(f"{verb} {count:,} events ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    return report


async def _take(database_url: str, nats_url: str | None, folder: Path,
                progress: Progress | None) -> CheckpointTaken:
    audit_dir = folder / CHECKPOINTS.parent
    key = signing_key(folder)
    write_public_key(audit_dir, key)  # refuse before reading a large store, not after
    previous = checkpoints.last_payload(folder / CHECKPOINTS)
    pool = await create_pool(database_url, max_size=2)
    try:
        fold = await fold_store(PostgresEventStore(pool), marks={previous["count"]} if previous else (),
                                progress=progress)
    finally:
        await pool.close()
    payload, line = record_checkpoint(audit_dir, fold, key)
    published = error = None
    if nats_url:
        try:
            published = await publish(nats_url, line, f"rj-audit-{payload['seq']}-{payload['head']}")
        except Exception as failure:  # any broker failure: the file is the record, and we say so
            error = f"{nats_url}: {type(failure).__name__}: {failure}"
    else:
        error = "no broker URL"
    return CheckpointTaken(payload, folder / CHECKPOINTS, published, error)


def take_checkpoint(database_url: str, nats_url: str | None, folder: Path, *,
                    progress: Progress | None = None) -> CheckpointTaken:
    """Sign the running hash of the whole store now; write it to the checkpoint file and publish it.
    One at a time per data folder (a lock file), so the file's chain never forks."""
    lock_path = folder / CHECKPOINTS.parent / ".checkpoint.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return asyncio.run(_take(database_url, nats_url, folder, progress))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def checkpoint_command(database_url: str, nats_url: str, folder: Path) -> int:
    try:
        taken = take_checkpoint(database_url, nats_url, folder, progress=_progress("read"))
    except (CheckpointRefused, ValueError) as refused:
        print(f"checkpoint refused: {refused}", file=sys.stderr)
        return 1
    p = taken.payload
    print(f"checkpoint #{p['seq']}: {p['count']:,} events in {p['streams']:,} streams,"
          f" running hash {p['head']}, signed by {p['key']}")
    print(f"  written to {taken.file} (manifest {taken.file.parent / p['manifest']['file']})")
    if taken.published:
        print(f"  published on the broker: {taken.published}")
    else:
        print(f"  NOT published on the broker ({taken.broker_error}): the checkpoint is in the file only")
    return 0


class CheckpointSchedule:
    """For ``rj up``: a checkpoint at start and every ``RJ_AUDIT_CHECKPOINT_MINUTES`` (default 60;
    0 turns it off), each taken in a background thread so supervision never waits for it."""

    def __init__(self, database_url: str, nats_url: str, folder: Path, minutes: float | None = None):
        self._args = (database_url, nats_url, folder)
        if minutes is None:
            given = os.environ.get("RJ_AUDIT_CHECKPOINT_MINUTES", "60")
            try:
                minutes = float(given)
            except ValueError:
                raise ValueError(f"RJ_AUDIT_CHECKPOINT_MINUTES={given!r} is not a number of minutes"
                                 " (60 is the default; 0 turns checkpoints off)") from None
        self.every = minutes * 60
        self._due = time.monotonic()
        self._thread: threading.Thread | None = None

    def tick(self) -> None:
        """Call often: starts a checkpoint when one is due and none is running."""
        if self.every <= 0 or time.monotonic() < self._due or (self._thread and self._thread.is_alive()):
            return
        self._due = time.monotonic() + self.every
        self._thread = threading.Thread(target=self._take, name="audit-checkpoint", daemon=True)
        self._thread.start()

    def _take(self) -> None:
        try:
            taken = take_checkpoint(*self._args)
        except Exception as error:  # a refused or failed checkpoint must not stop the system; log it loudly
            log.error("audit.checkpoint_failed", error=str(error))
            return
        log.info("audit.checkpoint", seq=taken.payload["seq"], events=taken.payload["count"],
                 head=taken.payload["head"], published=taken.published, broker_error=taken.broker_error)


# -- verifying -----------------------------------------------------------------------------
def verify_command(database_url: str, folder: Path, given: Path | None, public: Path | None) -> int:
    file = given or folder / CHECKPOINTS
    if given is None and not file.exists():
        file = None
    key_path = public or (file.parent / PUBLIC_KEY if file else None)
    key = None
    if file is not None:
        if not file.exists():
            print(f"no checkpoint file at {file}", file=sys.stderr)
            return 2
        try:
            key = signing.read_public(key_path)
        except (OSError, ValueError) as error:
            print(f"cannot read the public key {key_path}: {error}", file=sys.stderr)
            return 2
        print(f"checkpoints: {file}; public key {key_path} ({signing.fingerprint(key)})", file=sys.stderr)

    async def run() -> int:
        pool = await create_pool(database_url, max_size=2)
        try:
            print("checking every stream's hash chain, then the whole store in commit order…", file=sys.stderr)
            return _report(await audit(PostgresEventStore(pool), file, key, progress=_progress("audited")))
        finally:
            await pool.close()

    return asyncio.run(run())


def _report(result: AuditResult) -> int:
    for finding in result.findings:
        print(finding.describe())
    rate = result.events / result.seconds if result.seconds else 0.0
    print(f"{result.events:,} events read in commit order ({rate:,.0f}/s)", file=sys.stderr)
    against = (f"against {result.checkpoints} signed checkpoint(s)" if result.checkpoints
               else "with no trusted checkpoint (only the per-stream chains and commit order)")
    verdict = f"{len(result.findings)} finding(s)" if result.findings else "intact"
    print(f"audited {result.events} events in {result.streams} streams {against}: {verdict}")
    return 1 if result.findings else 0



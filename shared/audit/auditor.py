"""The auditor's check: every stream's chain, the running hash over the whole store in commit
order, and every signed checkpoint; each finding names the event or stream it is about."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from shared.audit import checkpoint as checkpoints
from shared.audit import manifest as manifests
from shared.audit.ledger import Ledger
from shared.eventstore.port import EventStore, Position

Progress = Callable[[int, float], None]
"""Told (events read so far, seconds since the start) every so often while the store is read."""


@dataclass(frozen=True)
class Finding:
    """One thing the audit found; ``problem`` is altered, missing, reordered, rehashed, inserted,
    diverged (a checkpoint's head differs) or forged (a checkpoint that is not to be trusted)."""

    problem: str
    detail: str
    stream_id: str | None = None
    stream_version: int | None = None
    event_id: UUID | None = None
    position: Position | None = None

    def describe(self) -> str:
        where = []
        if self.stream_id is not None:
            where.append(self.stream_id)
        if self.stream_version is not None:
            where.append(f"version {self.stream_version}")
        if self.event_id is not None:
            where.append(f"event {self.event_id}")
        if self.position is not None:
            where.append(f"position {self.position.prepare} (commit {self.position.commit})")
        return f"{self.problem.upper():<10} {', '.join(where) + ': ' if where else ''}{self.detail}"


@dataclass
class Fold:
    """The whole store read in commit order: the ledger, and the running hash at chosen counts."""

    ledger: Ledger
    marks: dict[int, tuple[bytes, Position | None]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0


async def fold_store(store: EventStore, *, marks: Iterable[int] = (), progress: Progress | None = None,
                     every: int = 10_000, batch: int = 5_000) -> Fold:
    """Read every event in commit order into a ledger, noting the running hash after each count in
    ``marks``, and an event that comes before its stream's newer events (re-ordered)."""
    wanted, fold = set(marks), Fold(Ledger())
    if 0 in wanted:
        fold.marks[0] = (fold.ledger.head, None)
    started, after = time.monotonic(), Position.start()
    while events := await store.read_all(after, batch):
        for event in events:
            if (newer := fold.ledger.add(event)) is not None:
                fold.findings.append(Finding(
                    "reordered", f"it comes after version {newer.version} of its stream in commit order",
                    event.stream_id, event.stream_version, event.event_id, event.position))
            if fold.ledger.count in wanted:
                fold.marks[fold.ledger.count] = (fold.ledger.head, event.position)
            if progress and fold.ledger.count % every == 0:
                progress(fold.ledger.count, time.monotonic() - started)
        after = events[-1].position
    fold.seconds = time.monotonic() - started
    return fold


@dataclass
class AuditResult:
    """What ``audit`` checked and found."""

    events: int
    streams: int
    checkpoints: int
    findings: list[Finding]
    seconds: float


def checkpoint_head_findings(cp: checkpoints.Checkpoint, fold: Fold) -> list[Finding]:
    """The store against one signed checkpoint: the running hash after its count must be its head."""
    label = f"checkpoint #{cp.seq} (line {cp.line}, {cp.payload.get('taken_at', '?')})"
    mark = fold.marks.get(cp.count)
    if mark is None:
        return [Finding("diverged", f"{label} signed {cp.count} events, but the store now holds only"
                                    f" {fold.ledger.count} in commit order")]
    if mark[0] != cp.head:
        return [Finding("diverged", f"{label} signed the running hash {cp.head.hex()[:16]}… after {cp.count}"
                                    f" events; the store gives {mark[0].hex()[:16]}…: events before it were"
                                    " altered, removed, inserted or re-ordered")]
    return []


def _versions(first: int, last: int) -> str:
    return f"version {first}" if first == last else f"versions {first}..{last}"


def _missing_ranges(versions: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for version in versions:
        if ranges and ranges[-1][1] == version - 1:
            ranges[-1] = (ranges[-1][0], version)
        else:
            ranges.append((version, version))
    return ranges


def _stream_findings(sid: str, entry: manifests.StreamEntry, fold: Fold, label: str) -> list[Finding]:
    stream = fold.ledger.streams.get(sid)
    if stream is None:
        return [Finding("missing", f"the whole stream is gone: {_versions(0, entry.version)} were in {label}"
                                   f" (the newest, version {entry.version}, was event {entry.event_id})",
                        sid, None, entry.event_id, entry.position)]
    found: list[Finding] = []
    absent = [v for v in range(entry.version + 1) if stream.digest(v) is None]
    changed = [v for v in range(entry.version + 1) if stream.digest(v) not in (None, entry.digest(v))]
    if changed:
        later = f"; versions {changed[1]}..{changed[-1]} differ with it" if len(changed) > 1 else ""
        found.append(Finding("rehashed", f"its hash is not the one {label} recorded: altered and its"
                                         f" stream's hashes recomputed{later}", sid, changed[0]))
    for first, last in _missing_ranges(absent):
        newest = last == entry.version
        found.append(Finding(
            "missing", f"{_versions(first, last)} were in {label} and are gone",
            sid, first, entry.event_id if newest and first == last else None,
            entry.position if newest and first == last else None))
    return found


def manifest_findings(cp: checkpoints.Checkpoint, folder: Path, fold: Fold) -> list[Finding]:
    """Name what differs from a checkpoint's manifest: streams gone, versions gone, events re-hashed,
    streams that appear before the checkpoint's position but were not in it."""
    label = f"checkpoint #{cp.seq}"
    recorded = cp.payload.get("manifest") or {}
    try:
        streams = manifests.read(folder / recorded["file"], recorded["sha256"])
    except (KeyError, OSError, ValueError) as error:
        return [Finding("diverged", f"{label}'s manifest cannot be used to name what changed: {error!r}")]
    found: list[Finding] = []
    for sid, entry in streams.items():
        found += _stream_findings(sid, entry, fold, label)
    position = Position(*cp.payload["position"]) if cp.payload.get("position") else None
    for sid, stream in fold.ledger.streams.items():
        if sid not in streams and position is not None and stream.first_position <= position:
            found.append(Finding("inserted", f"the stream is not in {label}, yet its first event comes before"
                                             " that checkpoint's position", sid, 0, None, stream.first_position))
    if not found:
        found.append(Finding("reordered", f"every stream matches {label}, but the commit order of its first"
                                          f" {cp.count} events differs"))
    return found


async def _named(store: EventStore, finding: Finding) -> Finding:
    """The finding with its event's id and position, where the store still has that event."""
    if finding.event_id is not None or finding.stream_id is None or finding.stream_version is None:
        return finding
    events = await store.read_stream(finding.stream_id, finding.stream_version)
    if events and events[0].stream_version == finding.stream_version:
        return replace(finding, event_id=events[0].event_id, position=events[0].position)
    return finding


async def audit(store: EventStore, checkpoint_file: Path | None, public_key: Ed25519PublicKey | None,
                *, progress: Progress | None = None) -> AuditResult:
    """Check every stream's chain, then the running hash against each signed checkpoint in the file;
    for a checkpoint the store no longer matches, name what differs from its manifest."""
    findings = [Finding(b.problem, b.detail, b.stream_id, b.stream_version) for b in await store.verify()]
    signed: list[checkpoints.Checkpoint] = []
    if checkpoint_file is not None and public_key is not None:
        lines, gaps = checkpoints.read(checkpoint_file, public_key)
        findings += [Finding("forged", f"{checkpoint_file}: {cp.problem}; not used") for cp in lines if not cp.trusted]
        findings += [Finding("forged", f"{checkpoint_file}: {gap}") for gap in gaps]
        signed = [cp for cp in lines if cp.trusted]
    fold = await fold_store(store, marks={cp.count for cp in signed}, progress=progress)
    findings += fold.findings
    # What the chains already named is not named twice from a manifest.
    named: dict[tuple, Finding] = {(f.problem, f.stream_id, f.stream_version): f for f in findings}
    already = len(named)
    for cp in signed:
        if diverged := checkpoint_head_findings(cp, fold):
            findings += diverged
            for finding in manifest_findings(cp, checkpoint_file.parent, fold):
                named.setdefault((finding.problem, finding.stream_id, finding.stream_version), finding)
    findings += list(named.values())[already:]
    findings = [await _named(store, finding) for finding in findings]
    return AuditResult(fold.ledger.count, len(fold.ledger.streams), len(signed), findings, fold.seconds)

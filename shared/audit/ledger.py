"""The running hash over every event in commit order, and the per-stream heads kept beside it.

``H_n = SHA-256(H_{n-1} || identity of event n)``, where an event's identity is its stream, its
version, its id and its own per-stream hash (which already covers its content). Nothing of this is
stored in the database: the verifier recomputes it, and what is trusted is a signed checkpoint of
``(n, H_n)`` kept outside it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from uuid import UUID

from shared.eventstore.port import Position, RecordedEvent

GENESIS = b"\x00" * 32
"""The running hash of an empty store."""

DIGEST_SIZE = 8
"""Bytes of each event's hash kept in a manifest: enough to name an event, not to prove one (the
proof is the signed running hash)."""

_ABSENT = b"\x00" * DIGEST_SIZE


def identity(stream_id: str, stream_version: int, event_id: UUID, event_hash: bytes) -> bytes:
    """The bytes of one event that the running hash covers, each part fixed-size or length-prefixed
    so that no two different events encode alike."""
    sid = stream_id.encode()
    return b"".join((
        len(sid).to_bytes(4, "big"), sid, stream_version.to_bytes(8, "big", signed=True), event_id.bytes,
        len(event_hash).to_bytes(2, "big"), event_hash,
    ))


def link(previous: bytes, stream_id: str, stream_version: int, event_id: UUID, event_hash: bytes) -> bytes:
    """The running hash after one more event."""
    return hashlib.sha256(previous + identity(stream_id, stream_version, event_id, event_hash)).digest()


@dataclass
class StreamHead:
    """What the ledger knows of one stream: its newest event and a short digest of every event's hash."""

    version: int = -1
    hash: bytes = b""
    event_id: UUID | None = None
    position: Position | None = None
    first_position: Position | None = None
    digests: bytearray = field(default_factory=bytearray)

    def digest(self, version: int) -> bytes | None:
        """The short digest recorded for ``version``; None if that version was never seen."""
        found = bytes(self.digests[version * DIGEST_SIZE:(version + 1) * DIGEST_SIZE])
        return None if len(found) < DIGEST_SIZE or found == _ABSENT else found


@dataclass
class Ledger:
    """Folds events, in commit order, into the running hash and the per-stream heads."""

    count: int = 0
    head: bytes = GENESIS
    position: Position | None = None
    streams: dict[str, StreamHead] = field(default_factory=dict)

    def add(self, event: RecordedEvent) -> StreamHead | None:
        """Take the next event. Returns the stream's head as it was when ``event`` does not come
        after the stream's newest event (its commit order disagrees with its version), else None."""
        self.head = link(self.head, event.stream_id, event.stream_version, event.event_id, event.hash)
        self.count += 1
        self.position = event.position
        stream = self.streams.get(event.stream_id)
        if stream is None:
            stream = self.streams[event.stream_id] = StreamHead(first_position=event.position)
        before = None
        if event.stream_version <= stream.version:
            before = StreamHead(stream.version, stream.hash, stream.event_id, stream.position)
        start = event.stream_version * DIGEST_SIZE
        if len(stream.digests) < start:
            stream.digests.extend(_ABSENT * ((start - len(stream.digests)) // DIGEST_SIZE))
        stream.digests[start:start + DIGEST_SIZE] = event.hash[:DIGEST_SIZE]
        if event.stream_version > stream.version:
            stream.version, stream.hash = event.stream_version, event.hash
            stream.event_id, stream.position = event.event_id, event.position
        return before

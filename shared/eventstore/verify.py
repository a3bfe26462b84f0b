"""Recomputing a stream's hash chain from stored rows (used by every backend)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.eventstore.hashchain import GENESIS, hash_of
from shared.eventstore.port import ChainBreak


def verify_rows(
    stream_id: str, rows: Sequence[Mapping[str, Any]], head: tuple[int, bytes] | None
) -> list[ChainBreak]:
    """Findings for one stream: altered content, missing versions, a removed tail.

    ``rows`` are the stored events in version order; ``head`` is the (version, hash) the store
    recorded for the stream's last append, kept apart so that removing the newest row shows.
    """
    breaks: list[ChainBreak] = []
    previous, expected_version = GENESIS, 0
    for row in rows:
        version = row["stream_version"]
        if version != expected_version:
            breaks.append(ChainBreak(stream_id, expected_version, "missing",
                                     f"versions {expected_version}..{version - 1} are not in the store"))
        if row["prev_hash"] != previous:
            breaks.append(ChainBreak(stream_id, version, "reordered",
                                     "its link to the previous event does not match that event's hash"))
        recomputed = hash_of(row["prev_hash"], {**dict(row), "stream_id": stream_id})
        if recomputed != row["hash"] or row["hash"] is None:
            breaks.append(ChainBreak(stream_id, version, "altered",
                                     "its stored content no longer matches the hash recorded with it"))
        previous, expected_version = row["hash"], version + 1
    if head is not None:
        head_version, head_hash = head
        if head_version >= expected_version:
            breaks.append(ChainBreak(stream_id, expected_version, "missing",
                                     f"versions {expected_version}..{head_version} were appended but are gone"))
        elif rows and head_hash != previous:
            breaks.append(ChainBreak(stream_id, expected_version - 1, "altered",
                                     "the newest event's hash differs from the stream head"))
    return breaks

"""The per-stream hash chain that lets an auditor prove nothing was altered or removed.

Each event's hash covers its identity, its place, its content and the previous event's hash,
so changing or deleting any stored event breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

GENESIS = b"\x00" * 32


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same bytes for the same content, always."""
    return json.dumps(_as_stored(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _as_stored(value: Any) -> Any:
    """The value as it reads back from jsonb. jsonb keeps numbers exactly, so a whole float that
    Python writes in exponent form (1e+16) reads back as an integer: hash that integer."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e16:
        return int(value)
    if isinstance(value, dict):
        return {k: _as_stored(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_stored(v) for v in value]
    return value


def _ts(value: datetime) -> str:
    # In UTC, as a timestamptz column gives it back (naive values are taken as UTC), so that an
    # event stamped with another offset still verifies after the round trip through the store.
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")


HASHED_FIELDS = (
    "event_id", "stream_id", "stream_version", "event_type", "schema_version", "data", "occurred_at",
    "recorded_at", "correlation_id", "causation_id", "actor", "producer",
)


def hash_of(previous: bytes, event: Mapping[str, Any]) -> bytes:
    """``event_hash`` over the hashed fields of a stored row or any mapping that has them."""
    return event_hash(previous, **{name: event[name] for name in HASHED_FIELDS})


def event_hash(previous: bytes, **fields: Any) -> bytes:
    """SHA-256 over the previous hash and the canonical body of one event (``event_body``)."""
    return hashlib.sha256(previous + event_body(**fields).encode()).digest()


def event_body(
    *,
    event_id: UUID,
    stream_id: str,
    stream_version: int,
    event_type: str,
    schema_version: int,
    data: dict[str, Any] | str,
    occurred_at: datetime,
    recorded_at: datetime,
    correlation_id: UUID,
    causation_id: UUID | None,
    actor: dict[str, Any],
    producer: str,
) -> str:
    """The canonical JSON of one event: ``canonical_json`` of its fields (sorted keys, UUIDs and
    times as text), assembled around the data's own canonical JSON so that ``data`` is serialised
    once on the write path (given as text, it is taken as already canonical: ``canonical_data``).
    The same text, byte for byte, as ``canonical_json`` of the whole event (a property test holds
    them together), so chains written before stay valid."""
    text = json.dumps
    return (
        f'{{"actor":{canonical_json(actor)},'
        f'"causation_id":{text(str(causation_id)) if causation_id else "null"},'
        f'"correlation_id":"{correlation_id}",'
        f'"data":{data if isinstance(data, str) else canonical_data(data)},'
        f'"event_id":"{event_id}",'
        f'"event_type":{text(event_type, ensure_ascii=False)},'
        f'"occurred_at":"{_ts(occurred_at)}",'
        f'"producer":{text(producer, ensure_ascii=False)},'
        f'"recorded_at":"{_ts(recorded_at)}",'
        f'"schema_version":{int(schema_version)},'
        f'"stream_id":{text(stream_id, ensure_ascii=False)},'
        f'"stream_version":{int(stream_version)}}}'
    )


def canonical_data(data: Any) -> str:
    """``canonical_json(data)``, skipping the walk for big whole floats unless the plain dump has an
    exponent in it (only such a float, or a string that happens to hold "e+", can)."""
    plain = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return canonical_json(data) if "e+" in plain else plain

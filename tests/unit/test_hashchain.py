"""The per-stream hash chain and its verifier, on plain rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.eventstore.hashchain import GENESIS, canonical_data, canonical_json, event_body, event_hash
from shared.eventstore.verify import verify_rows

STREAM = "case-1"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def content(version: int, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dict(
        event_id=uuid4(), stream_id=STREAM, stream_version=version, event_type="NoteAdded",
        schema_version=1, data={"note": f"note {version}", "tags": ["a", "b"]},
        occurred_at=T0 + timedelta(minutes=version), recorded_at=T0 + timedelta(minutes=version, seconds=1),
        correlation_id=uuid4(), causation_id=None, actor={"kind": "user", "id": "u1", "role": None},
        producer="casework",
    )
    fields.update(overrides)
    return fields


def chain(count: int) -> list[dict[str, Any]]:
    """Rows as a store keeps them: content, the previous hash, and this event's hash."""
    rows, previous = [], GENESIS
    for version in range(count):
        row = content(version)
        row["prev_hash"], row["hash"] = previous, event_hash(previous, **row)
        previous = row["hash"]
        rows.append(row)
    return rows


def head_of(rows: list[dict[str, Any]]) -> tuple[int, bytes]:
    return rows[-1]["stream_version"], rows[-1]["hash"]


def problems(rows, head) -> list[tuple[int, str]]:
    return [(b.stream_version, b.problem) for b in verify_rows(STREAM, rows, head)]


def test_an_intact_chain_has_no_findings():
    rows = chain(5)
    assert verify_rows(STREAM, rows, head_of(rows)) == []
    assert verify_rows(STREAM, [], None) == []


def test_changed_content_is_reported_as_altered_at_that_version():
    rows = chain(5)
    head = head_of(rows)
    rows[2]["data"] = {**rows[2]["data"], "note": "rewritten"}

    assert problems(rows, head) == [(2, "altered")]


def test_an_intruder_who_also_recomputes_the_hash_is_caught_by_the_next_link():
    rows = chain(5)
    head = head_of(rows)
    rows[2]["data"] = {"note": "rewritten"}
    rows[2]["hash"] = event_hash(rows[2]["prev_hash"], **{k: v for k, v in rows[2].items()
                                                         if k not in ("prev_hash", "hash")})

    assert problems(rows, head) == [(3, "reordered")]


def test_rewriting_the_newest_event_and_its_hash_is_caught_by_the_stream_head():
    rows = chain(3)
    head = head_of(rows)
    rows[2]["data"] = {"note": "rewritten"}
    rows[2]["hash"] = event_hash(rows[2]["prev_hash"], **{k: v for k, v in rows[2].items()
                                                         if k not in ("prev_hash", "hash")})

    assert problems(rows, head) == [(2, "altered")]


def test_a_removed_event_is_reported_missing():
    rows = chain(5)
    head = head_of(rows)
    del rows[2]

    found = problems(rows, head)
    assert (2, "missing") in found
    assert (3, "reordered") in found


def test_a_removed_newest_event_is_reported_missing_through_the_stream_head():
    rows = chain(4)
    head = head_of(rows)

    assert problems(rows[:-1], head) == [(3, "missing")]
    assert problems(rows[:-2], head) == [(2, "missing")]
    assert problems([], head) == [(0, "missing")]


def test_swapped_events_are_reported():
    rows = chain(4)
    head = head_of(rows)
    rows[1], rows[2] = rows[2], rows[1]

    found = problems(rows, head)
    assert {problem for _, problem in found} >= {"missing", "reordered"}


@pytest.mark.parametrize(
    "field, value",
    [("event_id", uuid4()), ("stream_id", "case-2"), ("stream_version", 7), ("event_type", "Other"),
     ("schema_version", 2), ("data", {"note": "x"}), ("occurred_at", T0 + timedelta(seconds=1)),
     ("recorded_at", T0 + timedelta(microseconds=1)), ("correlation_id", uuid4()), ("causation_id", uuid4()),
     ("actor", {"kind": "user", "id": "u2", "role": None}), ("producer", "referral")],
)
def test_the_hash_covers_every_field(field, value):
    fields = content(0)
    assert event_hash(GENESIS, **fields) != event_hash(GENESIS, **{**fields, field: value})


def test_the_hash_covers_the_previous_hash():
    fields = content(0)
    assert event_hash(GENESIS, **fields) != event_hash(b"\x01" * 32, **fields)


def test_the_hash_ignores_key_order_in_the_payload():
    fields = content(0, data={"a": 1, "b": {"c": 2, "d": 3}})
    reordered = {**fields, "data": {"b": {"d": 3, "c": 2}, "a": 1}}
    assert event_hash(GENESIS, **fields) == event_hash(GENESIS, **reordered)


def test_the_same_instant_hashes_the_same_in_any_time_zone():
    local = T0.astimezone(timezone(timedelta(hours=2)))
    naive_utc = T0.replace(tzinfo=None)
    fields = content(0)
    assert event_hash(GENESIS, **{**fields, "occurred_at": T0}) == \
        event_hash(GENESIS, **{**fields, "occurred_at": local}) == \
        event_hash(GENESIS, **{**fields, "occurred_at": naive_utc})


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e16, 1.5e300, -2e20, 1e-7]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)
WITHOUT_FLOATS = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=8), inner, max_size=6),
    max_leaves=30)


@given(value=JSON | WITHOUT_FLOATS)
def test_canonical_data_is_the_canonical_json_byte_for_byte(value):
    """Written by orjson where it gives the same text, by the standard library elsewhere: the same
    bytes either way, so every chain written before still verifies."""
    assert canonical_data(value) == canonical_json(value)


def test_canonical_data_takes_the_standard_way_for_a_float_anywhere():
    nested = {"a": [1, {"b": (2, 1e-7)}]}
    assert canonical_data(nested) == '{"a":[1,{"b":[2,1e-07]}]}'
    assert canonical_data({"n": 1e16}) == '{"n":10000000000000000}'


@given(data=st.dictionaries(st.text(max_size=8), JSON, max_size=5), stream_id=st.text(), event_type=st.text(),
       producer=st.text(), actor=st.dictionaries(st.sampled_from(["kind", "id", "role"]), st.none() | st.text()),
       version=st.integers(min_value=0, max_value=2**62), caused=st.booleans(),
       occurred=st.datetimes(timezones=st.just(UTC)))
def test_the_assembled_body_is_the_canonical_json_of_the_event_byte_for_byte(
        data, stream_id, event_type, producer, actor, version, caused, occurred):
    """Chains written with the whole event's canonical JSON must still verify with the assembled body."""
    fields = dict(event_id=uuid4(), stream_id=stream_id, stream_version=version, event_type=event_type,
                  schema_version=3, data=data, occurred_at=occurred, recorded_at=T0, correlation_id=uuid4(),
                  causation_id=uuid4() if caused else None, actor=actor, producer=producer)
    as_before = canonical_json({
        **fields, "event_id": str(fields["event_id"]), "correlation_id": str(fields["correlation_id"]),
        "causation_id": str(fields["causation_id"]) if caused else None,
        "occurred_at": occurred.isoformat(timespec="microseconds"),
        "recorded_at": T0.isoformat(timespec="microseconds"),
    })
    assert event_body(**fields) == as_before
    assert event_body(**{**fields, "data": canonical_data(data)}) == as_before
    assert event_body(**{**fields, "data": canonical_data(data), "actor": canonical_data(actor)}) == as_before

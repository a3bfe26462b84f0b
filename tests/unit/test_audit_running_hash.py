"""The running hash over the whole store in commit order, and the ledger that keeps it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from uuid import UUID, uuid4

from hypothesis import given
from hypothesis import strategies as st

from shared.audit.ledger import DIGEST_SIZE, GENESIS, Ledger, identity, link
from shared.eventstore.port import Actor, Position, RecordedEvent

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

stream_ids = st.text(min_size=1, max_size=30)
versions = st.integers(min_value=0, max_value=2**40)
event_ids = st.uuids()
hashes = st.binary(min_size=32, max_size=32)
identities = st.tuples(stream_ids, versions, event_ids, hashes)


def recorded(stream_id: str, version: int, position: int, *, event_hash: bytes | None = None,
             event_id: UUID | None = None) -> RecordedEvent:
    return RecordedEvent(
        event_id=event_id or uuid4(), stream_id=stream_id, stream_version=version,
        position=Position(position, position), event_type="ThingHappened", schema_version=1, data={},
        occurred_at=T0, recorded_at=T0, correlation_id=uuid4(), causation_id=None,
        actor=Actor("system", "test"), producer="tests",
        hash=event_hash or hashlib.sha256(f"{stream_id}/{version}/{position}".encode()).digest(),
    )


@given(identities, identities)
def test_two_different_events_never_encode_alike(one, other):
    assert (identity(*one) == identity(*other)) == (one == other)


@given(st.lists(identities, min_size=1, max_size=8))
def test_the_running_hash_is_sha256_of_the_previous_head_and_the_next_event(events):
    head = GENESIS
    for event in events:
        expected = hashlib.sha256(head + identity(*event)).digest()
        head = link(head, *event)
        assert head == expected


@given(st.lists(identities, min_size=2, max_size=6, unique=True), st.data())
def test_changing_the_order_of_events_changes_the_running_hash(events, data):
    swapped = list(events)
    i = data.draw(st.integers(0, len(events) - 2))
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]

    def fold(items):
        head = GENESIS
        for item in items:
            head = link(head, *item)
        return head

    assert fold(events) != fold(swapped)


@given(st.lists(identities, min_size=1, max_size=6, unique=True), st.data())
def test_leaving_out_any_event_changes_the_running_hash(events, data):
    gone = data.draw(st.integers(0, len(events) - 1))

    def fold(items):
        head = GENESIS
        for item in items:
            head = link(head, *item)
        return head

    assert fold(events) != fold(events[:gone] + events[gone + 1:])


def test_an_empty_ledger_has_the_genesis_head():
    ledger = Ledger()
    assert (ledger.count, ledger.head, ledger.position, ledger.streams) == (0, GENESIS, None, {})


def test_the_ledger_keeps_each_streams_head_and_a_short_digest_of_every_event():
    ledger = Ledger()
    a0, b0, a1 = recorded("case-a", 0, 1), recorded("case-b", 0, 2), recorded("case-a", 1, 3)
    for event in (a0, b0, a1):
        assert ledger.add(event) is None

    assert ledger.count == 3 and ledger.position == Position(3, 3)
    expected = GENESIS
    for event in (a0, b0, a1):
        expected = link(expected, event.stream_id, event.stream_version, event.event_id, event.hash)
    assert ledger.head == expected
    a = ledger.streams["case-a"]
    assert (a.version, a.hash, a.event_id, a.position, a.first_position) == (1, a1.hash, a1.event_id,
                                                                             Position(3, 3), Position(1, 1))
    assert a.digest(0) == a0.hash[:DIGEST_SIZE] and a.digest(1) == a1.hash[:DIGEST_SIZE]
    assert a.digest(2) is None


def test_a_version_never_seen_reads_as_absent_even_with_later_versions_present():
    ledger = Ledger()
    ledger.add(recorded("case-a", 0, 1))
    ledger.add(recorded("case-a", 2, 2))
    stream = ledger.streams["case-a"]
    assert stream.digest(0) is not None and stream.digest(1) is None and stream.digest(2) is not None


def test_an_event_older_than_its_streams_newest_in_commit_order_is_reported():
    ledger = Ledger()
    ledger.add(recorded("case-a", 1, 1))
    before = ledger.add(recorded("case-a", 0, 2))
    assert before is not None and before.version == 1

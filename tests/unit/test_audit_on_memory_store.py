"""The auditor on the in-memory store: a checkpoint, then an intruder who also recomputes hashes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.audit.auditor import audit, fold_store
from shared.audit.record import FILE, CheckpointRefused, record_checkpoint
from shared.eventstore.hashchain import GENESIS, hash_of
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.port import NO_STREAM, Actor, NewEvent

KEY = Ed25519PrivateKey.generate()


def an_event(n: int) -> NewEvent:
    return NewEvent(event_id=uuid4(), event_type="NoteAdded", schema_version=1, data={"n": n},
                    occurred_at=datetime.now(UTC), correlation_id=uuid4(), causation_id=None,
                    actor=Actor("user", "u1", "facilitator"), producer="tests")


async def a_store(streams: int = 3, events: int = 3) -> InMemoryEventStore:
    store = InMemoryEventStore()
    for s in range(streams):
        await store.append(f"case-{s}", [an_event(0)], NO_STREAM)
    for n in range(1, events):
        for s in range(streams):
            await store.append(f"case-{s}", [an_event(n)], n - 1)
    return store


async def checkpoint(store, folder) -> dict:
    file = folder / FILE
    previous = json.loads(file.read_text().splitlines()[-1])["checkpoint"] if file.exists() else None
    fold = await fold_store(store, marks={previous["count"]} if previous else ())
    return record_checkpoint(folder, fold, KEY)[0]


def rewrite_chain(store: InMemoryEventStore, stream_id: str) -> None:
    """Recompute every hash of a stream and its head, as an intruder with the database can."""
    previous = GENESIS
    for row in store._streams[stream_id]:
        row["prev_hash"], row["hash"] = previous, hash_of(previous, row)
        previous = row["hash"]
    rows = store._streams[stream_id]
    store._heads[stream_id] = (rows[-1]["stream_version"], previous)


def remove(store: InMemoryEventStore, row) -> None:
    store._streams[row["stream_id"]].remove(row)
    store._log.remove(row)
    del store._by_id[row["event_id"]]


async def findings(store, folder):
    result = await audit(store, folder / FILE, KEY.public_key())
    return [(f.problem, f.stream_id, f.stream_version) for f in result.findings], result


async def test_an_untouched_store_is_intact_against_its_checkpoints(tmp_path):
    store = await a_store()
    await checkpoint(store, tmp_path)
    await store.append("case-0", [an_event(9)], 2)
    await checkpoint(store, tmp_path)

    found, result = await findings(store, tmp_path)
    assert found == [] and result.checkpoints == 2 and result.events == 10


async def test_an_edit_with_every_hash_recomputed_is_named_though_each_chain_verifies(tmp_path):
    store = await a_store()
    await checkpoint(store, tmp_path)
    store._row("case-1", 1)["data"] = {"n": "rewritten"}
    rewrite_chain(store, "case-1")
    assert await store.verify() == []

    found, result = await findings(store, tmp_path)
    assert ("rehashed", "case-1", 1) in found and found[0][0] == "diverged"
    rehashed = next(f for f in result.findings if f.problem == "rehashed")
    assert rehashed.event_id == store._row("case-1", 1)["event_id"] and rehashed.position is not None


async def test_the_newest_event_removed_with_its_head_rewound_is_named_by_id(tmp_path):
    store = await a_store()
    await checkpoint(store, tmp_path)
    gone = store._row("case-2", 2)
    remove(store, gone)
    rewrite_chain(store, "case-2")
    assert await store.verify() == []

    found, result = await findings(store, tmp_path)
    assert ("missing", "case-2", 2) in found
    assert next(f for f in result.findings if f.problem == "missing").event_id == gone["event_id"]


async def test_a_whole_stream_removed_is_named(tmp_path):
    store = await a_store()
    await checkpoint(store, tmp_path)
    for row in list(store._streams["case-0"]):
        remove(store, row)
    del store._streams["case-0"], store._heads["case-0"]
    assert await store.verify() == []

    found, _ = await findings(store, tmp_path)
    assert ("missing", "case-0", None) in found


async def test_a_stream_slipped_in_before_the_checkpoint_is_named_as_inserted(tmp_path):
    store = await a_store(streams=2, events=1)
    await checkpoint(store, tmp_path)
    await store.append("case-9", [an_event(0)], NO_STREAM)
    row = store._row("case-9", 0)
    store._log.remove(row)
    row["xid"], row["global_position"] = 1, 0  # moved to the front of the commit order
    store._log.insert(0, row)

    found, _ = await findings(store, tmp_path)
    assert ("inserted", "case-9", 0) in found


async def test_a_forged_checkpoint_is_refused_and_not_trusted(tmp_path):
    store = await a_store()
    await checkpoint(store, tmp_path)
    path = tmp_path / FILE
    entry = json.loads(path.read_text())
    entry["checkpoint"]["count"] = 5
    path.write_text(json.dumps(entry) + "\n")

    found, result = await findings(store, tmp_path)
    assert [problem for problem, *_ in found] == ["forged"] and result.checkpoints == 0


async def test_a_checkpoint_is_refused_once_the_store_no_longer_matches_the_last(tmp_path):
    store = await a_store()
    await checkpoint(store, tmp_path)
    store._row("case-1", 0)["data"] = {"n": "rewritten"}
    rewrite_chain(store, "case-1")

    with pytest.raises(CheckpointRefused, match="no longer matches checkpoint #1"):
        await checkpoint(store, tmp_path)


async def test_an_event_deleted_without_rehashing_is_named_once(tmp_path):
    store = await a_store()
    await checkpoint(store, tmp_path)
    store._delete("case-1", 1)

    found, _ = await findings(store, tmp_path)
    assert found.count(("missing", "case-1", 1)) == 1


async def test_reading_the_store_reports_progress_with_counts():
    store = await a_store(streams=5, events=2)
    told: list[int] = []
    fold = await fold_store(store, progress=lambda count, seconds: told.append(count), every=4, batch=3)
    assert fold.ledger.count == 10 and told == [4, 8]

"""`rj audit`: signed checkpoints catch what the per-stream chains cannot — an intruder with the
whole database who recomputes the hashes, rewinds a stream's head, or removes a stream outright."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from rj.cli import main
from shared.eventstore.hashchain import GENESIS, hash_of
from shared.eventstore.port import Actor, NewEvent
from tests.integration.conftest import runtime_for
from tests.support import record_referral


def a_note(n: int) -> NewEvent:
    return NewEvent(event_id=uuid4(), event_type="NoteAdded", schema_version=1, data={"note": f"note {n}"},
                    occurred_at=datetime.now(UTC), correlation_id=uuid4(), causation_id=None,
                    actor=Actor("user", "facilitator-1", "facilitator"), producer="casework")


@pytest.fixture
async def recorded(fresh_database_url, clean_nats_url, monkeypatch, tmp_path, capsys):
    """Three referrals and a case with three notes, a checkpoint of them taken; yields (pool, names,
    file, what `rj audit checkpoint` printed)."""
    runtime = runtime_for("referral", fresh_database_url, clean_nats_url)
    await runtime.open()
    try:
        referrals = [await record_referral(runtime.store, runtime.keys) for _ in range(3)]
        case = f"case-{uuid4()}"
        for version in range(3):
            await runtime.store.append(case, [a_note(version)], version - 1)
        monkeypatch.setenv("RJ_DATABASE_URL", fresh_database_url)
        monkeypatch.setenv("RJ_NATS_URL", clean_nats_url)
        monkeypatch.setenv("RJ_DATA_DIR", str(tmp_path))
        monkeypatch.delenv("RJ_AUDIT_SIGNING_KEY", raising=False)
        assert await asyncio.to_thread(main, ["audit", "checkpoint"]) == 0
        names = {"referrals": [f"referral-{r.referral_id}" for r in referrals], "case": case}
        yield runtime.pool, names, tmp_path / "audit" / "checkpoints.jsonl", capsys.readouterr().out
    finally:
        await runtime.pool.close()


async def audit_verify(file, capsys) -> tuple[int, str]:
    code = await asyncio.to_thread(main, ["audit", "verify", "--checkpoint", str(file)])
    return code, capsys.readouterr().out


async def event_row(pool, stream_id: str, version: int):
    return await pool.fetchrow("SELECT event_id, global_position FROM eventstore.events"
                               " WHERE stream_id = $1 AND stream_version = $2", stream_id, version)


async def rechain(pool, stream_id: str) -> None:
    """Recompute every hash of a stream and its head row, as an intruder with the database can."""
    rows = await pool.fetch("SELECT * FROM eventstore.events WHERE stream_id = $1 ORDER BY stream_version",
                            stream_id)
    previous = GENESIS
    for row in rows:
        new = hash_of(previous, dict(row))
        await pool.execute("UPDATE eventstore.events SET prev_hash = $2, hash = $3 WHERE global_position = $1",
                           row["global_position"], previous, new)
        previous = new
    await pool.execute("UPDATE eventstore.streams SET version = $2, head_hash = $3 WHERE stream_id = $1",
                       stream_id, rows[-1]["stream_version"], previous)


async def test_the_checkpoint_is_signed_written_and_published_and_the_untouched_store_passes(recorded, capsys):
    _, _, file, out = recorded
    assert "checkpoint #1: 6 events in 4 streams" in out and "published on the broker: RJ_AUDIT" in out
    line = json.loads(file.read_text())
    assert line["checkpoint"]["count"] == 6 and (file.parent / "audit-signing-key.pub").exists()
    assert (file.parent.parent / "secrets" / "audit-signing-key").stat().st_mode & 0o777 == 0o600

    code, out = await audit_verify(file, capsys)
    assert code == 0 and "audited 6 events in 4 streams against 1 signed checkpoint(s): intact" in out


async def test_an_update_with_every_hash_recomputed_passes_rj_verify_but_not_the_audit(recorded, capsys):
    pool, names, file, _ = recorded
    stream = names["referrals"][1]
    await pool.execute("UPDATE eventstore.events SET data = jsonb_set(data, '{source}', '\"court\"')"
                       " WHERE stream_id = $1", stream)
    await rechain(pool, stream)
    assert await asyncio.to_thread(main, ["verify"]) == 0  # the per-stream chains alone are fooled
    assert "intact" in capsys.readouterr().out

    code, out = await audit_verify(file, capsys)
    row = await event_row(pool, stream, 0)
    assert code == 1 and "DIVERGED" in out and "checkpoint #1" in out
    assert f"REHASHED   {stream}, version 0, event {row['event_id']}, position {row['global_position']}" in out


async def test_a_deleted_event_with_its_stream_head_rewound_is_named(recorded, capsys):
    pool, names, file, _ = recorded
    case = names["case"]
    gone = await event_row(pool, case, 2)
    await pool.execute("DELETE FROM eventstore.events WHERE stream_id = $1 AND stream_version = 2", case)
    await pool.execute("UPDATE eventstore.streams SET version = 1, head_hash = (SELECT hash FROM eventstore.events"
                       " WHERE stream_id = $1 AND stream_version = 1) WHERE stream_id = $1", case)
    assert await asyncio.to_thread(main, ["verify"]) == 0
    capsys.readouterr()

    code, out = await audit_verify(file, capsys)
    assert code == 1
    assert (f"MISSING    {case}, version 2, event {gone['event_id']}, position {gone['global_position']}"
            in out), out


async def test_a_whole_stream_removed_with_its_head_is_named(recorded, capsys):
    pool, names, file, _ = recorded
    stream = names["referrals"][0]
    newest = await event_row(pool, stream, 0)
    await pool.execute("DELETE FROM eventstore.events WHERE stream_id = $1", stream)
    await pool.execute("DELETE FROM eventstore.streams WHERE stream_id = $1", stream)
    assert await asyncio.to_thread(main, ["verify"]) == 0
    capsys.readouterr()

    code, out = await audit_verify(file, capsys)
    assert code == 1
    assert f"MISSING    {stream}, event {newest['event_id']}" in out and "the whole stream is gone" in out


async def test_a_checkpoint_file_whose_signature_was_forged_is_refused(recorded, capsys):
    file = recorded[2]
    entry = json.loads(file.read_text())
    entry["checkpoint"]["count"] = 5  # an intruder who also edits the auditor's file cannot re-sign it
    file.write_text(json.dumps(entry) + "\n")

    code, out = await audit_verify(file, capsys)
    assert code == 1 and "FORGED" in out and "signature does not verify" in out


async def test_a_second_checkpoint_is_refused_once_the_store_no_longer_matches_the_first(recorded, capsys):
    pool, names, file, _ = recorded
    await pool.execute("DELETE FROM eventstore.events WHERE stream_id = $1", names["referrals"][2])
    await pool.execute("DELETE FROM eventstore.streams WHERE stream_id = $1", names["referrals"][2])
    capsys.readouterr()

    assert await asyncio.to_thread(main, ["audit", "checkpoint"]) == 1
    assert "checkpoint refused: the store no longer matches checkpoint #1" in capsys.readouterr().err
    assert len(file.read_text().splitlines()) == 1


async def test_without_a_broker_the_checkpoint_is_still_written_and_says_so(fresh_database_url, monkeypatch,
                                                                              tmp_path, capsys):
    monkeypatch.setenv("RJ_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("RJ_NATS_URL", "nats://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("RJ_DATA_DIR", str(tmp_path))
    runtime = runtime_for("referral", fresh_database_url, "nats://127.0.0.1:9")
    await runtime.open()
    try:
        await record_referral(runtime.store, runtime.keys)
    finally:
        await runtime.pool.close()

    assert await asyncio.to_thread(main, ["audit", "checkpoint"]) == 0
    out = capsys.readouterr().out
    assert "NOT published on the broker" in out and "the checkpoint is in the file only" in out
    assert await asyncio.to_thread(main, ["audit", "verify"]) == 0
    assert "against 1 signed checkpoint(s): intact" in capsys.readouterr().out

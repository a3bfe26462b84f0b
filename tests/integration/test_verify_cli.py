"""`rj verify`: an auditor's check that no recorded event was altered or removed."""

from __future__ import annotations

import asyncio

from rj.cli import main
from tests.integration.conftest import runtime_for
from tests.support import record_referral


async def test_rj_verify_says_intact_then_names_the_altered_event(fresh_database_url, clean_nats_url,
                                                                  monkeypatch, capsys):
    runtime = runtime_for("referral", fresh_database_url, clean_nats_url)
    await runtime.open()
    try:
        first = await record_referral(runtime.store, runtime.keys)
        await record_referral(runtime.store, runtime.keys)
        monkeypatch.setenv("RJ_DATABASE_URL", fresh_database_url)
        monkeypatch.setenv("RJ_NATS_URL", clean_nats_url)
        monkeypatch.setenv("RJ_DATA_DIR", "/nonexistent-rj-data-dir")
        assert await asyncio.to_thread(main, ["verify"]) == 0
        assert "verified 2 events in the whole store: intact" in capsys.readouterr().out

        await runtime.pool.execute(
            "UPDATE eventstore.events SET data = jsonb_set(data, '{source}', '\"court\"') WHERE stream_id = $1",
            f"referral-{first.referral_id}",
        )
        assert await asyncio.to_thread(main, ["verify"]) == 1
        out = capsys.readouterr().out
        assert f"ALTERED    referral-{first.referral_id} version 0" in out and "1 finding(s)" in out
    finally:
        await runtime.pool.close()

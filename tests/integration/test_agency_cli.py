"""`rj agency add | revoke | list`: a key is printed once and stored only as a hash."""

from __future__ import annotations

import asyncio
import hashlib
import re

from rj.cli import main
from services.referral.adapters import agencies
from tests.integration.conftest import runtime_for


async def test_rj_agency_add_prints_a_key_once_and_revoke_stops_it(fresh_database_url, clean_nats_url,
                                                                   monkeypatch, capsys):
    runtime = runtime_for("referral", fresh_database_url, clean_nats_url)
    await runtime.open()  # the referral schema and its tables
    try:
        monkeypatch.setenv("RJ_DATABASE_URL", fresh_database_url)
        monkeypatch.setenv("RJ_NATS_URL", clean_nats_url)
        monkeypatch.setenv("RJ_DATA_DIR", "/nonexistent-rj-data-dir")
        # The CLI runs its own event loop, as it does from a shell.
        code = await asyncio.to_thread(main, ["agency", "add", "Youth Offending Team",
                                              "--scopes", "referrals:write,referrals:read"])
        out = capsys.readouterr().out
        assert code == 0
        key = re.search(r"key: (rjk_\S+)", out).group(1)
        stored = await runtime.pool.fetchrow("SELECT * FROM referral.agencies WHERE agency_id = 'youth-offending-team'")
        assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest() and key not in str(dict(stored))
        assert (await agencies.authenticate(runtime.pool, key)).scopes == ("referrals:write", "referrals:read")

        assert await asyncio.to_thread(main, ["agency", "revoke", "youth-offending-team"]) == 0
        assert await agencies.authenticate(runtime.pool, key) is None
        assert await asyncio.to_thread(main, ["agency", "add", "X", "--scopes", "everything"]) == 2
        assert "unknown scope" in capsys.readouterr().out
    finally:
        await runtime.pool.close()

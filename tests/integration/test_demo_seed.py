"""`rj demo seed` fills a system started with `rj up --demo-clock` with two years of cases through
the real APIs, and refuses a system that does not honour the demo clock."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest

from rj.seed import seed
from tests.e2e.test_rj_up import RJ, stop, wait_for_services
from tests.servers import serve
from tests.support import eventually

CASES = 20


def start_with_demo_clock(folder) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RJ_")}
    return subprocess.Popen([*RJ, "--data-dir", str(folder), "up", "--demo-clock"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


async def cases_listed(system: dict, logins: dict) -> list[dict]:
    async with httpx.AsyncClient(base_url=system["casework"]) as casework:
        token = (await casework.post("/api/v1/auth/token", json={
            "username": "demo.supervisor", "password": logins["demo.supervisor"]})).json()["access_token"]
        page = await casework.get("/api/v1/cases", params={"page_size": 100},
                                  headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200, page.text
    return page.json()["items"]


@pytest.mark.timeout(900)
async def test_seed_fills_a_demo_clock_system_with_two_years_of_cases(tmp_path):
    folder = tmp_path / "var"
    process = start_with_demo_clock(folder)
    try:
        system = wait_for_services(folder, process)
        started = datetime.now(UTC)
        seeded = await asyncio.to_thread(
            subprocess.run, [*RJ, "--data-dir", str(folder), "demo", "seed", "--cases", str(CASES), "--random-seed",
                             "11"], capture_output=True, text=True, timeout=600)
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        assert f"seeded {CASES} cases" in seeded.stdout and f"{CASES}/{CASES} cases" in seeded.stderr
        assert "equality monitoring counted for 20" in seeded.stdout  # past quarters, counted at the end

        cases = await cases_listed(system, json.loads((folder / "secrets" / "demo-logins.json").read_text()))
        assert len(cases) == CASES
        received = sorted(datetime.fromisoformat(c["received_at"]) for c in cases)
        assert (received[-1] - received[0]).days > 365
        assert len({c["closed_reason"] for c in cases if c["closed_reason"]}) >= 3

        conn = await asyncpg.connect(system["database_url"])
        try:
            async def reported():
                facts = await conn.fetchval("SELECT count(*) FROM reporting.case_facts")
                referrals = await conn.fetchval("SELECT count(*) FROM reporting.referral_facts")
                return facts == CASES and referrals == CASES
            assert await eventually(reported, timeout=60)
            closed = await conn.fetch("SELECT DISTINCT closure_reason FROM reporting.case_facts"
                                      " WHERE closure_reason IS NOT NULL")
            assert len(closed) >= 3
            follow_ups = await conn.fetch("SELECT * FROM reporting.case_follow_ups")
            assert follow_ups and all(row["completed_at"] < started for row in follow_ups)  # the demo clock's
            # Dated with the demo clock (the case opened in reaction to a referral too, so the earliest
            # case event is no later than the earliest referral), recorded at the real time.
            spread = await conn.fetchrow(
                "SELECT min(occurred_at) AS first, max(recorded_at) - min(recorded_at) AS writing"
                "  FROM eventstore.events WHERE stream_id LIKE 'case-%'")
            assert spread["first"] <= received[0] and spread["writing"].days == 0
            answered = await conn.fetchval("SELECT count(*) FROM eventstore.events"
                                           " WHERE event_type = 'EqualityMonitoringRecorded'")
            tallied = await conn.fetch("SELECT DISTINCT stream_id FROM eventstore.events"
                                       " WHERE event_type = 'EqualityMonitoringTallied'")
            assert answered >= CASES // 2 and len(tallied) >= 2
        finally:
            await conn.close()
    finally:
        stop(process)


async def test_seed_refuses_a_system_without_the_demo_clock(tmp_path, fresh_database_url, clean_nats_url, capsys):
    async with serve("referral", fresh_database_url, clean_nats_url) as (referral, _), \
            serve("casework", fresh_database_url, clean_nats_url) as (casework, _):
        (tmp_path / "services.json").write_text(json.dumps({
            "referral": referral, "casework": casework, "database_url": fresh_database_url,
            "nats_url": clean_nats_url}))
        (tmp_path / "secrets").mkdir()
        (tmp_path / "secrets" / "demo-agency-key").write_text("rjk_unused")
        (tmp_path / "secrets" / "demo-logins.json").write_text("{}")
        assert await seed(tmp_path, 1, 1, None) == 1
    assert "does not honour the demo clock" in capsys.readouterr().err

"""`rj up` runs the whole system on embedded servers, stops cleanly, and finds its data again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rj.registry import SERVICES
from services.referral.domain.submission import EXAMPLE
from shared.crypto.keystore import LocalKeyWrapper, PostgresKeyStore
from shared.db import create_pool
from shared.eventstore.postgres import PostgresEventStore
from tests.support import eventually, record_referral

RJ = [sys.executable, "-m", "rj"]


def start(folder: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RJ_")}
    return subprocess.Popen([*RJ, "--data-dir", str(folder), "up"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for_services(folder: Path, process: subprocess.Popen, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while not (folder / "services.json").exists():
        if process.poll() is not None:
            raise AssertionError(f"rj up exited early:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"rj up did not become ready:\n{process.stdout.read()}")
        time.sleep(0.2)
    return json.loads((folder / "services.json").read_text())


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=90)
    return out


async def refer(system: dict, folder: Path):
    import base64

    pool = await create_pool(system["database_url"], max_size=2)
    try:
        kek = base64.b64decode((folder / "secrets" / "key-encryption-key").read_text())
        return await record_referral(PostgresEventStore(pool), PostgresKeyStore(pool, LocalKeyWrapper(kek)))
    finally:
        await pool.close()


async def reporting_row(system: dict, referral_id):
    import asyncpg

    conn = await asyncpg.connect(system["database_url"])
    try:
        return await conn.fetchrow("SELECT * FROM reporting.referral_facts WHERE referral_id = $1", referral_id)
    finally:
        await conn.close()


@pytest.mark.timeout(600)
async def test_rj_up_serves_four_services_stops_cleanly_and_keeps_its_data(tmp_path):
    folder = tmp_path / "var"
    process = start(folder)
    try:
        system = wait_for_services(folder, process)
        assert set(SERVICES) <= set(system) and system["database_url"].startswith("postgresql://")
        for name in SERVICES:
            assert httpx.get(f"{system[name]}/readyz").json()["status"] == "ready"
            assert "rj_events_published_total" in httpx.get(f"{system[name]}/metrics").text
        status = subprocess.run([*RJ, "--data-dir", str(folder), "status"], capture_output=True, text=True)
        assert status.returncode == 0, status.stdout
        for name in ("postgres", "nats", *SERVICES):  # each supervised process, with its restarts
            assert system["processes"][name]["state"] == "running" and system["processes"][name]["restarts"] == 0
            assert name in status.stdout
        assert "restarts" in status.stdout

        key = (folder / "secrets" / "demo-agency-key").read_text()
        async with httpx.AsyncClient() as client:
            posted = await client.post(f"{system['referral']}/api/v1/referrals", json=EXAMPLE,
                                       headers={"Authorization": f"Bearer {key}"})
            assert posted.status_code == 201, posted.text
            assert (await client.get(f"{system['referral']}/refer")).status_code == 200
            logins = json.loads((folder / "secrets" / "demo-logins.json").read_text())
            signed_in = await client.post(f"{system['casework']}/api/v1/auth/token", json={
                "username": "demo.supervisor", "password": logins["demo.supervisor"]})
            assert signed_in.status_code == 200, signed_in.text
            token = signed_in.json()["access_token"]

            async def case_opened():
                page = await client.get(f"{system['casework']}/api/v1/cases",
                                        headers={"Authorization": f"Bearer {token}"})
                return page.json()["total"] >= 1
            await eventually(case_opened, timeout=30)
        referral = await refer(system, folder)
        await eventually(lambda: reporting_row(system, referral.referral_id), timeout=30)
    finally:
        output = stop(process)
    assert process.returncode == 0, output
    assert "Stopped" in output and "/refer" in output and "Demo partner agency key" in output
    assert "demo.facilitator" in output
    # Without RJ_SMTP_HOST the system's email is caught in the data folder, not sent anywhere.
    assert "mail catcher" in output and (folder / "mail").is_dir()
    assert not (folder / "services.json").exists()
    after_stop = subprocess.run([*RJ, "--data-dir", str(folder), "status"], capture_output=True, text=True)
    assert after_stop.returncode != 0 and "rj up" in after_stop.stderr

    again = start(folder)
    try:
        system = wait_for_services(folder, again)
        row = await reporting_row(system, referral.referral_id)
        assert row is not None and row["source"] == "police"
        # rj up signed a checkpoint of the store at each start; the record checks out against them.
        checkpoints = folder / "audit" / "checkpoints.jsonl"
        await eventually(lambda: asyncio.to_thread(
            lambda: checkpoints.exists() and len(checkpoints.read_text().splitlines()) >= 2), timeout=60)
        audited = subprocess.run([*RJ, "--data-dir", str(folder), "audit", "verify"], capture_output=True, text=True)
        assert audited.returncode == 0, audited.stdout + audited.stderr
    finally:
        stop(again)
    assert again.returncode == 0

"""Kill a part of a running system while referrals flow; every accepted referral ends up in every
read model exactly once, and `rj up` still stops in seconds.

Each test prints ``accepted=N lost=0 duplicated=0`` (shown with ``pytest -s``)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.faults.harness import RJ, Referrer, RjUp, listening_sessions, sessions, settled

pytestmark = [pytest.mark.faults, pytest.mark.timeout(240)]

BEFORE = 15  # referrals accepted before the fault
AFTER = 15  # and after the part is back


async def flow_through(tmp_path: Path, part: str, how: signal.Signals = signal.SIGKILL) -> None:
    system = RjUp(tmp_path / "var")
    description = system.start()
    referrer = Referrer(description["referral"], system.agency_key())
    flowing = asyncio.create_task(referrer.run())
    try:
        await referrer.until_accepted(BEFORE)
        killed = system.kill(part, how)
        state = await system.restarted(part, killed)
        assert state["restarts"] == 1 and state["last_exit"] is not None
        await referrer.until_accepted(len(referrer.accepted) + AFTER)
        referrer.stop()
        await asyncio.wait_for(flowing, 120)

        result = await settled(description["database_url"], referrer)
        print(f"\n[{part} killed] {result.line()} (client retries: {referrer.retries})")
        if result.lost:
            evidence = f"{await sessions(description['database_url'])}\n{system.evidence()}"
            raise AssertionError(f"missing per read model: {result.missing}\n{evidence}")
        assert result.duplicated == 0 and not referrer.conflicts
        assert result.accepted >= BEFORE + AFTER

        status = await asyncio.to_thread(subprocess.run, [*RJ, "--data-dir", str(system.folder), "status"],
                                         capture_output=True, text=True, timeout=60)
        assert part in status.stdout and "restarts" in status.stdout, status.stdout
        if part == "postgres":  # every service's relay listens again (not only polls)
            assert await listening_sessions(description["database_url"]) >= 4
    finally:
        referrer.stop()
        if not flowing.done():
            flowing.cancel()
        started = time.monotonic()
        code = system.stop()
        took = time.monotonic() - started
    assert code == 0, system.log()
    assert took < 30, f"rj up took {took:.1f}s to stop"


async def test_nats_server_killed_while_referrals_flow(tmp_path: Path):
    await flow_through(tmp_path, "nats")


async def test_a_service_process_killed_while_referrals_flow(tmp_path: Path):
    await flow_through(tmp_path, "referral")


async def test_postgres_crashes_and_restarts_while_referrals_flow(tmp_path: Path):
    await flow_through(tmp_path, "postgres")

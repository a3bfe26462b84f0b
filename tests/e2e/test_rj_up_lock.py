"""`rj up` owns its data directory: a second start on it is refused at once, naming the first,
while the first stays healthy; after a clean stop, and after a `kill -9` (whose leftover NATS
server and services the next start stops first), a new start succeeds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from rj.datadir import leftovers
from tests.e2e.test_rj_up import RJ, start, stop, wait_for_services


def healthy(system: dict) -> bool:
    return all(httpx.get(f"{system[name]}/readyz", timeout=5).status_code == 200
               for name in ("referral", "casework", "notifications", "reporting"))


def second_start(folder: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RJ_")}
    return subprocess.run([*RJ, "--data-dir", str(folder), "up"], env=env, capture_output=True, text=True,
                          timeout=60)


def wait_for_own_services(folder: Path, process: subprocess.Popen) -> dict:
    """services.json as ``process`` wrote it (a killed rj up leaves its own behind)."""
    deadline = time.monotonic() + 120
    while True:
        system = wait_for_services(folder, process)
        if system.get("pid") == process.pid:
            return system
        assert time.monotonic() < deadline, f"rj up did not write its services.json:\n{system}"
        time.sleep(0.2)


def nats_servers_on(folder: Path) -> list[int]:
    return [pid for pid in leftovers(folder) if b"nats-server" in Path(f"/proc/{pid}/cmdline").read_bytes()]


@pytest.mark.timeout(900)
def test_a_second_rj_up_is_refused_and_a_new_start_works_after_a_stop_and_after_kill_9(tmp_path):
    folder = tmp_path / "var"
    first = start(folder)
    try:
        system = wait_for_services(folder, first)
        described = (folder / "services.json").read_text()

        began = time.monotonic()
        refused = second_start(folder)
        assert refused.returncode != 0 and time.monotonic() - began < 30
        [line] = refused.stderr.strip().splitlines()
        assert "is in use by another rj up" in line and f"pid {first.pid}" in line and "since" in line
        assert "status" in line
        assert (folder / "services.json").read_text() == described  # the first's URLs still stand
        assert healthy(system) and first.poll() is None and len(nats_servers_on(folder)) == 1
        status = subprocess.run([*RJ, "--data-dir", str(folder), "status"], capture_output=True, text=True,
                                timeout=60)
        assert status.returncode == 0, status.stdout + status.stderr  # other commands work beside it
    finally:
        stop(first)
    assert first.returncode == 0

    again = start(folder)  # after a clean stop
    try:
        system = wait_for_services(folder, again)
        assert healthy(system)
        old_nats = nats_servers_on(folder)
        assert len(old_nats) == 1
        again.send_signal(signal.SIGKILL)
        again.wait(30)
        assert leftovers(folder)  # its children outlive it...
    finally:
        if again.poll() is None:
            again.kill()

    third = start(folder)  # ...and the next start stops them before starting its own
    try:
        system = wait_for_own_services(folder, third)
        assert healthy(system)
        nats = nats_servers_on(folder)
        assert len(nats) == 1 and nats != old_nats
        assert json.loads((folder / "rj-up.lock").read_text())["pid"] == third.pid
    finally:
        out = stop(third)
    assert "Stopped" in out and "processes a killed rj up left running" in out

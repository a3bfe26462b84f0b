"""The system under test: its own `rj up` in a data folder, found through ``services.json``, stopped
with SIGINT (what Ctrl-C sends) and removed at the end."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .config import READY_TIMEOUT, STOP_TIMEOUT

# Log lines (JSON, one per line, in <data dir>/logs/*.log) that say something went less than well.
TROUBLE = ("read_your_writes.timed_out", "read_your_writes.failed", "consumer.retry", "consumer.dead_letter",
           "process.died", "relay.failed")


@dataclass
class System:
    folder: Path  # the rj data folder
    process: subprocess.Popen  # `rj up`
    services: dict  # services.json as first written

    @property
    def database_url(self) -> str:
        return self.services["database_url"]

    @property
    def referral_url(self) -> str:
        return self.services["referral"]

    def agency_key(self) -> str:
        return (self.folder / "secrets" / "demo-agency-key").read_text().strip()

    def current(self) -> dict:
        """services.json now (rj up rewrites it when a process is restarted)."""
        try:
            return json.loads((self.folder / "services.json").read_text())
        except (OSError, ValueError):
            return self.services

    def pids(self) -> dict[str, int]:
        """Each supervised process's pid (postgres is the postmaster), from services.json."""
        processes = self.current().get("processes", {})
        return {name: p["pid"] for name, p in processes.items() if p.get("pid")}

    def restarts(self) -> dict[str, int]:
        return {name: p.get("restarts", 0) for name, p in self.current().get("processes", {}).items()}

    def trouble(self) -> dict[str, int]:
        """How often each TROUBLE line appears in the services' and rj up's logs so far."""
        counts = dict.fromkeys(TROUBLE, 0)
        for path in (self.folder / "logs").glob("*.log"):
            try:
                text = path.read_text(errors="replace")
            except OSError:
                continue
            for word in TROUBLE:
                counts[word] += text.count(f'"{word}"')
        return counts


@contextmanager
def rj_up(data_dir: str | None) -> Iterator[System]:
    """Start `rj up` (embedded PostgreSQL and NATS, four services) and yield it once services.json exists."""
    tmp = None if data_dir else tempfile.mkdtemp(prefix="rj-bench-flow-")
    folder = Path(data_dir).resolve() if data_dir else Path(tmp) / "var"
    folder.mkdir(parents=True, exist_ok=True)
    out_path = folder / "bench-rj-up.out"  # what rj up prints; shown if it fails
    env = {k: v for k, v in os.environ.items() if not k.startswith("RJ_")}  # never the machine's own servers
    started = time.monotonic()
    with open(out_path, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "rj", "--data-dir", str(folder), "up"], env=env,
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        services = _wait_for_services(folder, process, out_path)
        print(f"rj up ready in {time.monotonic() - started:.1f} s (data in {folder})", flush=True)
        yield System(folder, process, services)
    finally:
        _stop(process, out_path)
        out_path.unlink(missing_ok=True)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _wait_for_services(folder: Path, process: subprocess.Popen, out_path: Path) -> dict:
    deadline = time.monotonic() + READY_TIMEOUT
    path = folder / "services.json"
    while True:
        if path.exists():
            try:
                services = json.loads(path.read_text())
            except ValueError:  # written atomically, but be safe
                services = None
            if services and "processes" in services and (folder / "secrets" / "demo-agency-key").exists():
                return services
        if process.poll() is not None:
            raise RuntimeError(f"rj up exited ({process.returncode}):\n{_tail(out_path)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"rj up not ready in {READY_TIMEOUT:.0f} s:\n{_tail(out_path)}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen, out_path: Path) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            print(f"rj up did not stop in {STOP_TIMEOUT:.0f} s after SIGINT; killing it", file=sys.stderr)
            process.kill()
            process.wait()
    if process.returncode != 0:
        print(f"rj up exited with {process.returncode}:\n{_tail(out_path)}", file=sys.stderr)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"

"""``rj up`` owns its data directory: an exclusive OS lock (``flock``) held for its lifetime, so a
second ``rj up`` on the same directory is refused at once, and a crash — even ``kill -9`` — releases
it (no stale pid file to clean by hand). The lock file says who holds it and since when.

A killed ``rj up`` leaves its children running (each is started in a session of its own), among
them a NATS server writing the JetStream store. Whoever takes the lock next therefore stops what
is left of the last holder's processes before starting anything: two NATS servers writing one
store directory could corrupt it. (PostgreSQL guards its own data directory with
``postmaster.pid``; ``EmbeddedPostgres`` stops a server left running there.)"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

LOCK_FILE = "rj-up.lock"


class DataDirInUse(Exception):
    """Another ``rj up`` holds the directory: what its lock file says of it."""

    def __init__(self, folder: Path, holder: dict):
        self.folder, self.holder = folder, holder
        pid, since = holder.get("pid", "?"), holder.get("since")
        when = f", since {datetime.fromisoformat(since):%Y-%m-%d %H:%M:%S %Z}" if since else ""
        super().__init__(f"rj up: {folder} is in use by another rj up (pid {pid}{when}); "
                         f"its services: rj --data-dir {folder} status")


class DataDirLock:
    """Held from ``acquire`` until the process ends (or ``release``)."""

    def __init__(self, folder: Path):
        self.folder, self.path = folder, folder / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise ``DataDirInUse`` at once; then say who holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by children (O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataDirInUse(self.folder, holder(self.path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "since": datetime.now(UTC).isoformat()}).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor drops the lock
            self._fd = None


def holder(path: Path) -> dict:
    """What the lock file says of its holder ({} while it is being written)."""
    try:
        return json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}


def leftovers(folder: Path) -> list[int]:
    """Processes a killed ``rj up`` on ``folder`` left running: its NATS server (``-sd <folder>/nats``)
    and its services (uvicorn with ``RJ_DATA_DIR=<folder>``). Linux only: read from /proc."""
    nats_store, data_dir = str(folder / "nats"), f"RJ_DATA_DIR={folder}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if any(Path(a.decode(errors="replace")).name == "nats-server" for a in argv[:1]) and \
                    nats_store.encode() in argv:
                found.append(int(entry.name))
            elif b"uvicorn" in argv and data_dir in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def stop_leftovers(folder: Path, timeout: float = 20.0) -> list[int]:
    """SIGTERM what a killed holder left (a service finishes its requests, NATS flushes its store),
    SIGKILL whatever still runs after ``timeout``; the pids stopped."""
    pids = leftovers(folder)
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while (alive := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in alive:
        _signal(pid, signal.SIGKILL)
    return pids


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"

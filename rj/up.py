"""``rj up``: embedded PostgreSQL and NATS (unless URLs are given), the four services, a clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from rj.registry import SERVICES, Service
from rj.system import key_encryption_key, services_file, write_services
from services.referral.adapters import agencies
from shared.db import create_pool
from shared.embedded.nats import EmbeddedNats
from shared.embedded.ports import free_port
from shared.embedded.postgres import EmbeddedPostgres
from shared.eventstore.postgres import PostgresEventStore


def say(step: str, status: str = "") -> None:
    print(f"  {step:<44} {status}", flush=True)


class System:
    """The processes of one running system, started and stopped in order."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.engines: list[EmbeddedPostgres | EmbeddedNats] = []
        self.services: dict[str, tuple[subprocess.Popen, str]] = {}

    def _engine(self, title: str, variable: str, embedded: EmbeddedPostgres | EmbeddedNats) -> str:
        """The URL in ``variable`` if set; otherwise start the embedded server and use its URL."""
        if url := os.environ.get(variable):
            say(title, f"using {url}")
            return url
        url = embedded.start()
        self.engines.append(embedded)
        say(f"{title} (embedded)", f"ready on port {embedded.port}")
        return url

    def start_engines(self) -> tuple[str, str]:
        return (self._engine("PostgreSQL", "RJ_DATABASE_URL", EmbeddedPostgres(self.folder / "postgres")),
                self._engine("NATS JetStream", "RJ_NATS_URL", EmbeddedNats(self.folder / "nats")))

    def start_service(self, service: Service, env: dict[str, str]) -> str:
        port = free_port()
        logs = self.folder / "logs"
        logs.mkdir(exist_ok=True)
        log = open(logs / f"{service.name}.log", "ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", service.factory, "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log", "--timeout-graceful-shutdown", "20"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        self.services[service.name] = (process, url)
        return url

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        pending = dict(self.services)
        while pending:
            for name, (process, url) in list(pending.items()):
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.folder / 'logs' / (name + '.log')}")
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        say(f"{name} service", f"ready at {url}")
                        del pending[name]
                except httpx.HTTPError:
                    pass
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not ready in {timeout:.0f}s: {', '.join(pending)}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Services first (they finish in-flight work and checkpoint), then the engines."""
        for process, _ in self.services.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, (process, _) in self.services.items():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                say(f"{name} service", "did not stop in 30s; killed")
                process.kill()
        for engine in reversed(self.engines):  # the broker first, the database last
            engine.stop()


def demo_agency_key(folder: Path, database_url: str) -> str:
    """A key for a demo partner agency, made on the first `rj up` and kept in the data folder
    (mode 600) so that it can be shown again: this is for trying the API, not for production."""
    path = folder / "secrets" / "demo-agency-key"
    if not path.exists():
        key = asyncio.run(_with_pool(database_url, lambda pool: agencies.add(pool, "Demo partner agency")))[1]
        path.write_text(key)
        path.chmod(0o600)
    return path.read_text().strip()


async def _with_pool(database_url: str, work):
    pool = await create_pool(database_url, max_size=2)
    try:
        return await work(pool)
    finally:
        await pool.close()


def up(folder: Path) -> int:
    """Run the system until Ctrl-C or SIGTERM."""
    folder.mkdir(parents=True, exist_ok=True)
    services_file(folder).unlink(missing_ok=True)
    print(f"Starting the restorative justice service (data in {folder})", flush=True)
    system = System(folder)
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        database_url, nats_url = system.start_engines()
        asyncio.run(_with_pool(database_url, lambda pool: PostgresEventStore(pool).migrate()))
        say("event store schema", "migrated")
        kek = key_encryption_key(folder, create=True)
        base = {k: v for k, v in os.environ.items() if k != "RJ_KEY_ENCRYPTION_KEY"}
        base.update(RJ_DATABASE_URL=database_url, RJ_NATS_URL=nats_url, RJ_LOG_FORMAT="json",
                    RJ_DATA_DIR=str(folder))
        urls = {}
        for name, service in SERVICES.items():
            env = dict(base, RJ_KEY_ENCRYPTION_KEY=kek) if service.definition.key_access else dict(base)
            urls[name] = system.start_service(service, env)
        system.wait_ready()
        write_services(folder, {**urls, "database_url": database_url, "nats_url": nats_url, "pid": os.getpid()})
        print("\nAll four services are up:", flush=True)
        for name, url in urls.items():
            print(f"  {name:<14} {url}", flush=True)
        print(f"\nVictims refer themselves at {urls['referral']}/refer", flush=True)
        print(f"Partner API (OpenAPI) at      {urls['referral']}/docs", flush=True)
        print(f"Demo partner agency key:      {demo_agency_key(folder, database_url)}", flush=True)
        print(f"\nDescribed in {services_file(folder)}. Press Ctrl-C to stop.", flush=True)
        while True:
            for name, (process, _) in system.services.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} stopped unexpectedly; see logs/{name}.log")
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    except Exception as error:
        print(f"\nrj up failed: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        services_file(folder).unlink(missing_ok=True)
        system.stop()
        print("Stopped; nothing accepted was lost.", flush=True)

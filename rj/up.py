"""``rj up``: embedded PostgreSQL and NATS (unless URLs are given), the four services, kept
running (a process that dies is restarted with back-off), and a clean stop."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import structlog

from rj.audit import CheckpointSchedule
from rj.datadir import DataDirInUse, DataDirLock, stop_leftovers
from rj.demo import demo_agency_key, demo_logins, with_pool
from rj.registry import SERVICES, Service
from rj.system import identity_key, key_encryption_key, services_file, write_services
from services.notifications.adapters.mailcatcher import MailCatcher
from shared.embedded.nats import EmbeddedNats
from shared.embedded.ports import free_port
from shared.embedded.postgres import EmbeddedPostgres
from shared.eventstore.postgres import PostgresEventStore
from shared.logging import configure_logging

log = structlog.get_logger()

FIRST_DELAY = 0.5  # seconds before the first restart of a process that died
MAX_DELAY = 30.0  # the back-off doubles on each quick death, up to this
STABLE_AFTER = 30.0  # a process up this long has its back-off reset
STOP_WAIT = 25.0  # seconds a service gets to finish in-flight work when stopping


def say(step: str, status: str = "") -> None:
    print(f"  {step:<44} {status}", flush=True)


@dataclass
class Part:
    """One supervised process: how to (re)start it and find its process, and its restart record."""

    name: str
    launch: Callable[[], object]
    process: Callable[[], subprocess.Popen | None]
    log_file: Path
    restarts: int = 0
    delay: float = FIRST_DELAY
    up_since: float = 0.0
    retry_at: float | None = None  # when down: the time of the next attempt
    last_exit: int | None = None
    last_restart_at: str | None = None

    def state(self) -> dict:
        process = self.process()
        return {
            "pid": process.pid if process is not None and self.retry_at is None else None,
            "state": "running" if self.retry_at is None else "restarting",
            "restarts": self.restarts, "last_exit": self.last_exit, "last_restart_at": self.last_restart_at,
            "log": str(self.log_file),
        }


class System:
    """The processes of one running system, started in order, kept running, stopped in order."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.engines: list[EmbeddedPostgres | EmbeddedNats] = []
        self.services: dict[str, tuple[subprocess.Popen, str]] = {}
        self.parts: dict[str, Part] = {}
        self.description: dict | None = None  # what services.json says, once all are ready
        self._last_reap = 0.0

    def _engine(self, name: str, title: str, variable: str, embedded: EmbeddedPostgres | EmbeddedNats) -> str:
        """The URL in ``variable`` if set; otherwise start the embedded server and use its URL."""
        if url := os.environ.get(variable):
            say(title, f"using {url}")
            return url
        url = embedded.start()
        self.engines.append(embedded)
        self.parts[name] = Part(name, embedded.start, lambda: embedded.process, embedded.data_dir / "server.log",
                                up_since=time.monotonic())
        say(f"{title} (embedded)", f"ready on port {embedded.port}")
        return url

    def start_engines(self) -> tuple[str, str]:
        return (self._engine("postgres", "PostgreSQL", "RJ_DATABASE_URL", EmbeddedPostgres(self.folder / "postgres")),
                self._engine("nats", "NATS JetStream", "RJ_NATS_URL", EmbeddedNats(self.folder / "nats")))

    def start_service(self, service: Service, env: dict[str, str], port: int | None = None) -> str:
        """Start one service; started again after a death, it keeps its port (and so its URL)."""
        port = port or free_port()
        logs = self.folder / "logs"
        logs.mkdir(exist_ok=True)
        with open(logs / f"{service.name}.log", "ab") as log_file:  # the child keeps its own copy
            process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", service.factory, "--factory", "--host", "127.0.0.1",
                 "--port", str(port), "--no-access-log", "--timeout-graceful-shutdown", "20"],
                env=env, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        self.services[service.name] = (process, url)
        if service.name not in self.parts:
            self.parts[service.name] = Part(
                service.name, lambda: self.start_service(service, env, port),
                lambda: self.services[service.name][0], logs / f"{service.name}.log", up_since=time.monotonic(),
            )
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

    # -- keeping it running ----------------------------------------------------------------
    def supervise(self) -> None:
        """One round: restart what died once its back-off has passed, reap orphans, record it."""
        changed = False
        for part in self.parts.values():
            changed |= self._check(part)
        self._reap_orphans()
        if changed:
            self.publish()

    def _check(self, part: Part) -> bool:
        now = time.monotonic()
        if part.retry_at is None:
            process = part.process()
            code = None if process is None else process.poll()
            if code is None:
                if now - part.up_since > STABLE_AFTER:
                    part.delay = FIRST_DELAY
                return False
            part.last_exit, part.retry_at = code, now + part.delay
            log.warning("process.died", process=part.name, pid=process.pid, exit_code=code,
                        restart_in_seconds=part.delay, log_file=str(part.log_file))
            return True
        if now < part.retry_at:
            return False
        try:
            part.launch()
        except Exception as error:
            part.retry_at = time.monotonic() + part.delay
            log.error("process.restart_failed", process=part.name, error=repr(error),
                      retry_in_seconds=part.delay, log_file=str(part.log_file))
        else:
            part.restarts += 1
            part.retry_at, part.up_since = None, time.monotonic()
            part.last_restart_at = datetime.now(UTC).isoformat(timespec="seconds")
            process = part.process()
            log.warning("process.restarted", process=part.name, pid=process.pid if process else None,
                        restarts=part.restarts)
        part.delay = min(part.delay * 2, MAX_DELAY)
        return True

    def _reap_orphans(self, every: float = 2.0) -> None:
        """Reap exited processes handed to us as the subreaper (a killed postmaster's backends),
        never one a ``Popen`` of ours owns: it reaps its own."""
        if time.monotonic() - self._last_reap < every or not Path("/proc/self").exists():
            return
        self._last_reap = time.monotonic()
        owned = {process.pid for part in self.parts.values() if (process := part.process()) is not None}
        me = os.getpid()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) in owned:
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] == "Z" and int(fields[1]) == me:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(int(entry.name), os.WNOHANG)

    def publish(self) -> None:
        """``services.json`` with each process's pid, state and restarts (what `rj status` shows)."""
        if self.description is not None:
            write_services(self.folder, {**self.description,
                                         "processes": {name: part.state() for name, part in self.parts.items()}})

    # -- stopping ------------------------------------------------------------------------
    def stop(self) -> None:
        """Services first (they finish in-flight work and checkpoint), then the engines."""
        for process, _ in self.services.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT
        for name, (process, _) in self.services.items():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} service", f"did not stop in {STOP_WAIT:.0f}s; killed")
                process.kill()
                process.wait()
        for engine in reversed(self.engines):  # the broker first, the database last
            engine.stop()
        self._last_reap = 0.0
        self._reap_orphans()


def become_subreaper() -> None:
    """On Linux, orphans of our children (a killed postmaster's backends) are re-parented to us
    rather than to PID 1, which in a container may never reap them."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def configure_supervisor_log(folder: Path) -> None:
    """structlog to stderr as the services do, and as JSON lines to ``logs/rj-up.log``."""
    configure_logging("rj-up", fmt=os.environ.get("RJ_LOG_FORMAT", "auto"))
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per readiness probe
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    path = folder / "logs" / "rj-up.log"

    def to_file(_logger, _method, event_dict):
        with contextlib.suppress(OSError), open(path, "a") as out:
            out.write(json.dumps(event_dict, default=str) + "\n")
        return event_dict

    processors = list(structlog.get_config()["processors"])
    structlog.configure(processors=[*processors[:-1], to_file, processors[-1]])


def catch_mail(folder: Path) -> MailCatcher:
    """Without an SMTP server of its own (``RJ_SMTP_HOST``), the system's email is kept, not sent:
    a local catcher writes each message to ``<data dir>/mail/`` so a newcomer sees what would go."""
    catcher = MailCatcher(folder / "mail", free_port())
    catcher.start()
    say("mail catcher", f"email is kept in {catcher.folder}, not sent (set RJ_SMTP_HOST to send)")
    return catcher


DEMO_CLOCK_SERVICES = ("referral", "casework")
"""Where ``--demo-clock`` lets a request be dated (X-RJ-Demo-Time): the services people and partners act on."""


def up(folder: Path, *, demo_clock: bool = False) -> int:
    """Run the system until Ctrl-C or SIGTERM, restarting any process that dies. With ``demo_clock``,
    referral and casework honour ``X-RJ-Demo-Time`` (for ``rj demo seed``; never for production)."""
    lock = DataDirLock(folder)
    try:
        lock.acquire()
    except DataDirInUse as in_use:
        print(in_use, file=sys.stderr, flush=True)
        return 3
    if stopped := stop_leftovers(folder):
        print(f"Stopped {len(stopped)} processes a killed rj up left running on {folder}", flush=True)
    services_file(folder).unlink(missing_ok=True)
    print(f"Starting the restorative justice service (data in {folder})", flush=True)
    configure_supervisor_log(folder)
    become_subreaper()
    system = System(folder)
    stopping = False
    catcher: MailCatcher | None = None

    def on_signal(signum, _frame):
        nonlocal stopping
        if not stopping:  # a second Ctrl-C does not interrupt the orderly stop
            stopping = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        database_url, nats_url = system.start_engines()
        asyncio.run(with_pool(database_url, lambda pool: PostgresEventStore(pool).migrate()))
        say("event store schema", "migrated")
        kek = key_encryption_key(folder, create=True)
        # Only --demo-clock turns the demo clock on, never an RJ_DEMO_CLOCK left in the environment.
        base = {k: v for k, v in os.environ.items() if k not in ("RJ_KEY_ENCRYPTION_KEY", "RJ_DEMO_CLOCK")}
        signing = identity_key(kek)
        base.update(RJ_DATABASE_URL=database_url, RJ_NATS_URL=nats_url, RJ_LOG_FORMAT="json",
                    RJ_DATA_DIR=str(folder))
        if "RJ_SMTP_HOST" not in os.environ:
            catcher = catch_mail(folder)
            base.update(RJ_SMTP_HOST=catcher.host, RJ_SMTP_PORT=str(catcher.port), RJ_SMTP_TLS="none",
                        RJ_MAIL_FOLDER=str(catcher.folder))
        urls = {}
        for name, service in SERVICES.items():
            # A service without key access gets only the key that checks sign-ins (it opens no personal data).
            env = (dict(base, RJ_KEY_ENCRYPTION_KEY=kek) if service.definition.key_access
                   else dict(base, RJ_IDENTITY_KEY=signing))
            # Messages link to the pages of the services started before (referral, then casework).
            if "referral" in urls and "RJ_PROGRESS_URL" not in os.environ:
                env["RJ_PROGRESS_URL"] = f"{urls['referral']}/progress/"
            if "casework" in urls and "RJ_CASEWORK_URL" not in os.environ:
                env["RJ_CASEWORK_URL"] = urls["casework"]
            if demo_clock and name in DEMO_CLOCK_SERVICES:
                env["RJ_DEMO_CLOCK"] = "1"
            urls[name] = system.start_service(service, env)
        system.wait_ready()
        demo_key = demo_agency_key(folder, database_url)
        logins = demo_logins(folder, database_url, kek)
        system.description = {**urls, "database_url": database_url, "nats_url": nats_url, "pid": os.getpid()}
        system.publish()
        # Signed checkpoints of the whole store, kept outside the database (docs/decisions/0005).
        audit_checkpoints = CheckpointSchedule(database_url, nats_url, folder)
        print("\nAll four services are up:", flush=True)
        for name, url in urls.items():
            print(f"  {name:<14} {url}", flush=True)
        print(f"\nVictims refer themselves at {urls['referral']}/refer", flush=True)
        print(f"Partner API (OpenAPI) at      {urls['referral']}/docs", flush=True)
        print(f"Demo partner agency key:      {demo_key}", flush=True)
        print(f"Casework API (OpenAPI) at     {urls['casework']}/docs; demo sign-ins:", flush=True)
        for name, password in logins.items():
            print(f"  {name:<18} {password}", flush=True)
        if catcher is not None:
            print(f"Email the system sent:        {urls['notifications']}/mail (supervisors)", flush=True)
        if demo_clock:
            print("Demo clock on: referral and casework accept X-RJ-Demo-Time (for `rj demo seed`)", flush=True)
        print(f"\nDescribed in {services_file(folder)}. Press Ctrl-C to stop.", flush=True)
        while True:
            system.supervise()
            audit_checkpoints.tick()
            time.sleep(0.25)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    except Exception as error:
        print(f"\nrj up failed: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        stopping = True
        services_file(folder).unlink(missing_ok=True)
        system.stop()
        if catcher is not None:
            catcher.stop()
        lock.release()  # only once every child has stopped: a new rj up may start at once
        print("Stopped; nothing accepted was lost.", flush=True)

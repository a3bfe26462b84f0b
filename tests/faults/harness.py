"""Faults injected into a real `rj up` while referrals flow, and the exactly-once check after.

``RjUp`` runs ``rj up`` in a temporary data folder as a subprocess (its output in a file, so a
full pipe never blocks it). ``Referrer`` posts referrals to the referral service's JSON API with
an ``Idempotency-Key`` each, retrying the same key and body on a connection error or a 5xx, as a
partner's client should. ``tally`` then checks every read model built from ``ReferralReceived``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from services.referral.domain.submission import EXAMPLE

RJ = [sys.executable, "-m", "rj"]

# Every read model fed by ReferralReceived, one row per referral.
READ_MODELS = (
    "referral.referral_status",
    "casework.triage_queue",
    "notifications.acknowledgement_deadlines",
    "reporting.referral_facts",
)


class RjUp:
    """`rj up` as a subprocess on its own data folder; stopped with SIGTERM (killed if it hangs)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.output = folder.parent / "rj-up.out"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> dict:
        self.folder.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("RJ_")}
        with open(self.output, "ab") as out:
            self.process = subprocess.Popen([*RJ, "--data-dir", str(self.folder), "up"], env=env,
                                            stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not (self.folder / "services.json").exists():
            if self.process.poll() is not None:
                raise AssertionError(f"rj up exited early:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"rj up did not become ready:\n{self.log()}")
            time.sleep(0.2)
        return self.system()

    def system(self) -> dict:
        return json.loads((self.folder / "services.json").read_text())

    def log(self) -> str:
        return self.output.read_text(errors="replace")[-6000:]

    def evidence(self) -> str:
        """For a failure message: every service's task stacks (asked for with SIGUSR2) and log tail."""
        services = [n for n in self.system()["processes"] if n not in ("postgres", "nats")]
        for name in services:
            with contextlib.suppress(OSError, TypeError):
                os.kill(self.process_state(name)["pid"], signal.SIGUSR2)
        time.sleep(1.0)
        tails = []
        for name in services:
            path = self.folder / "logs" / f"{name}.log"
            if path.exists():
                tails.append(f"--- {name}.log\n{path.read_text(errors='replace')[-12000:]}")
        return "\n".join(tails)

    def agency_key(self) -> str:
        return (self.folder / "secrets" / "demo-agency-key").read_text().strip()

    def process_state(self, name: str) -> dict:
        return self.system()["processes"][name]

    def kill(self, name: str, how: signal.Signals = signal.SIGKILL) -> int:
        """Signal one supervised process (by the pid `rj up` recorded); its pid."""
        pid = self.process_state(name)["pid"]
        os.kill(pid, how)
        return pid

    async def restarted(self, name: str, old_pid: int, timeout: float = 60) -> dict:
        """Wait until `rj up` reports ``name`` running again under a new pid."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.process_state(name)
            if state["state"] == "running" and state["pid"] not in (None, old_pid) and state["restarts"] >= 1:
                return state
            await asyncio.sleep(0.2)
        raise AssertionError(f"{name} was not restarted in {timeout:.0f}s: {self.process_state(name)}\n{self.log()}")

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM, as Ctrl-C would; the exit code. Must take seconds, not the timeout."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"rj up did not stop within {timeout:.0f}s:\n{self.log()}") from None
        return self.process.returncode


def submission(n: int) -> dict:
    body = copy.deepcopy(EXAMPLE)
    body["offence"]["crime_reference"] = f"43/{n:05d}/26"
    body["victim"]["name"] = f"Alex Morgan {n}"
    return body


@dataclass
class Referrer:
    """Concurrent clients posting referrals, each retried with its own key until it is accepted."""

    url: str
    key: str
    accepted: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> referral_id
    conflicts: list[str] = field(default_factory=list)  # a key answered with two referral ids
    retries: int = 0
    last_failure: str = ""
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _count: int = 0

    async def run(self, workers: int = 3) -> None:
        async with httpx.AsyncClient(timeout=httpx.Timeout(10.0)) as client:
            await asyncio.gather(*(self._work(client) for _ in range(workers)))

    def stop(self) -> None:
        self._stop.set()

    async def _work(self, client: httpx.AsyncClient) -> None:
        while not self._stop.is_set():
            self._count += 1
            await self._post(client, str(uuid.uuid4()), submission(self._count))

    async def _post(self, client: httpx.AsyncClient, key: str, body: dict, give_up_after: float = 90) -> None:
        deadline = time.monotonic() + give_up_after
        delay = 0.1
        while True:
            try:
                response = await client.post(
                    f"{self.url}/api/v1/referrals", json=body,
                    headers={"Authorization": f"Bearer {self.key}", "Idempotency-Key": key},
                )
                if response.status_code in (200, 201):
                    referral_id = response.json()["referral_id"]
                    if self.accepted.setdefault(key, referral_id) != referral_id:
                        self.conflicts.append(key)
                    return
                if response.status_code < 500 and response.status_code != 429:
                    raise AssertionError(f"referral refused: {response.status_code} {response.text}")
                self.last_failure = f"{response.status_code} {response.text[:300]}"
            except (httpx.TransportError, ValueError) as error:
                self.last_failure = repr(error)
            if time.monotonic() > deadline:
                raise AssertionError(f"a referral was not accepted within {give_up_after:.0f}s of retries;"
                                     f" last: {self.last_failure}")
            self.retries += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    async def until_accepted(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.accepted) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(self.accepted)} of {count} referrals accepted in {timeout:.0f}s;"
                                     f" last failure: {self.last_failure}")
            await asyncio.sleep(0.1)


@dataclass
class Tally:
    accepted: int
    lost: int
    duplicated: int
    missing: dict[str, int]

    def line(self) -> str:
        return f"accepted={self.accepted} lost={self.lost} duplicated={self.duplicated}"


async def tally(database_url: str, referrer: Referrer) -> Tally:
    """Every accepted referral once in the store and once in every read model (the data folder is
    fresh, so everything there came from this client)."""
    ids = [uuid.UUID(i) for i in set(referrer.accepted.values())]
    conn = await asyncpg.connect(database_url)
    try:
        received = await conn.fetchval("SELECT count(*) FROM eventstore.events WHERE event_type = 'ReferralReceived'")
        lost_ids: set[uuid.UUID] = set()
        extra = received - len(ids) + len(referrer.conflicts)
        missing: dict[str, int] = {}
        for table in READ_MODELS:
            present = {r["referral_id"] for r in await conn.fetch(f"SELECT referral_id FROM {table}")}
            absent = set(ids) - present
            missing[table] = len(absent)
            lost_ids |= absent
            extra = max(extra, len(present - set(ids)))
    finally:
        await conn.close()
    return Tally(len(ids), len(lost_ids), extra, missing)


async def settled(database_url: str, referrer: Referrer, timeout: float = 60) -> Tally:
    """Wait (bounded) until every read model has caught up, then tally."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = await tally(database_url, referrer)
        except (OSError, asyncpg.PostgresError):
            result = None
        if result is not None and result.lost == 0:
            return result
        if time.monotonic() > deadline:
            return result or await tally(database_url, referrer)
        await asyncio.sleep(0.5)


async def sessions(database_url: str) -> str:
    """The database's sessions, one line each (for a failure message)."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT pid, state, backend_xid::text, backend_xmin::text, now() - xact_start AS in_xact,"
            " wait_event_type, wait_event, left(query, 120) AS query FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return "\n".join(str(dict(r)) for r in rows)
    finally:
        await conn.close()


async def listening_sessions(database_url: str) -> int:
    """How many sessions LISTEN for appends (one per running service's relay)."""
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN \"rj_events_appended\"'"
        )
    finally:
        await conn.close()

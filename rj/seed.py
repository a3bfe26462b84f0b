"""``rj demo seed --cases N``: fill a running demo system with two years of invented cases, through
its real APIs — the demo partner agency refers, the demo supervisor and facilitator work each case,
follow-ups are recorded — each request dated with ``X-RJ-Demo-Time``. The system must have been
started with ``rj up --demo-clock``; the command refuses otherwise (each service's ``/healthz``
says ``demo_clock: true`` when it honours the header)."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time as clock
import uuid
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx

from rj.seed_story import Plan, plan
from rj.seed_walk import CaughtUp, NotOffered, Walk, walk
from rj.system import data_dir, read_services
from shared.web.democlock import HEADER
from shared.workingdays import LONDON, add_working_days

SPAN = timedelta(days=730)  # two years before today
TOKEN_LIFE = 600.0  # seconds: sign in again well before a 15-minute token expires


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``demo seed`` to ``rj``; it runs as ``args.run(args, settings)`` like a service's verb."""
    parser = commands.add_parser("demo", help="demo data for a system started with `rj up --demo-clock`")
    sub = parser.add_subparsers(dest="demo_command", required=True)
    seed = sub.add_parser("seed", help="record N invented cases over the last two years, through the APIs")
    seed.add_argument("--cases", type=int, default=100, help="how many cases (default: 100)")
    seed.add_argument("--parallel", type=int, default=3, choices=range(1, 9), metavar="1-8",
                      help="cases walked at the same time (default: 3)")
    seed.add_argument("--random-seed", type=int, help="the same seed invents the same people and stories")
    parser.set_defaults(service="casework", run=run)


def run(args: argparse.Namespace, _settings) -> int:
    if args.cases < 1:
        print("error: --cases: give 1 or more", file=sys.stderr)
        return 2
    folder = data_dir(getattr(args, "data_dir", None))
    return asyncio.run(seed(folder, args.cases, args.parallel, args.random_seed))


class DemoSystem:
    """The running system's two APIs, as the demo agency and the demo people use them."""

    def __init__(self, folder: Path):
        services = read_services(folder)
        secrets = folder / "secrets"
        self.agency_key = (secrets / "demo-agency-key").read_text().strip()
        self.logins = json.loads((secrets / "demo-logins.json").read_text())
        self.referral = httpx.AsyncClient(base_url=services["referral"], timeout=60)
        self.casework = httpx.AsyncClient(base_url=services["casework"], timeout=60)
        self.tokens: dict[str, tuple[str, float]] = {}

    async def close(self) -> None:
        await self.referral.aclose()
        await self.casework.aclose()

    async def honours_demo_clock(self) -> bool:
        for client in (self.referral, self.casework):
            answer = await client.get("/healthz")
            if answer.status_code != 200 or answer.json().get("demo_clock") is not True:
                return False
        return True

    async def _bearer(self, who: str) -> dict[str, str]:
        token, taken = self.tokens.get(who, ("", 0.0))
        if clock.monotonic() - taken > TOKEN_LIFE:
            answer = await self.casework.post("/api/v1/auth/token",
                                              json={"username": who, "password": self.logins[who]})
            answer.raise_for_status()
            token, taken = answer.json()["access_token"], clock.monotonic()
            self.tokens[who] = (token, taken)
        return {"Authorization": f"Bearer {token}"}

    async def refer(self, document: dict, at: datetime) -> str:
        answer = await self.referral.post("/api/v1/referrals", json=document, headers={
            "Authorization": f"Bearer {self.agency_key}", "Idempotency-Key": str(uuid.uuid4()),
            HEADER: at.isoformat()})
        _check(answer, "referral")
        return answer.json()["referral_id"]

    async def case_of(self, referral_id: str, wait: float = 60.0) -> str:
        """The case the referral opened (casework opens it on hearing of the referral)."""
        deadline = clock.monotonic() + wait
        while True:
            page = await self.casework.get("/api/v1/cases", params={"referral_id": referral_id},
                                           headers=await self._bearer("demo.supervisor"))
            _check(page, "cases")
            if page.json()["items"]:
                return page.json()["items"][0]["case_id"]
            if clock.monotonic() > deadline:
                raise TimeoutError(f"no case opened for referral {referral_id} in {wait:.0f}s")
            await asyncio.sleep(0.3)

    async def count_equality(self, attempts: int = 10) -> list[str]:
        """Have casework count the ended quarters' equality monitoring now (it would within a day);
        the quarters published. Casework answers 503 while its read model is still catching up."""
        for _ in range(attempts):
            answer = await self.casework.post("/api/v1/equality/tallies", headers=await self._bearer("demo.supervisor"))
            if answer.status_code != 503:
                _check(answer, "equality tallies")
                return answer.json()["published"]
            await asyncio.sleep(3)
        raise TimeoutError("casework was still catching up after the seeding")

    async def look(self, case_id: str, who: str, at: datetime) -> tuple[dict, str]:
        answer = await self.casework.get(f"/api/v1/cases/{case_id}",
                                         headers={**await self._bearer(who), HEADER: at.isoformat()})
        _check(answer, "case")
        return answer.json(), answer.headers["ETag"]

    async def act(self, case_id: str, action: str, body: dict, who: str, at: datetime, etag: str) -> dict:
        answer = await self.casework.post(f"/api/v1/cases/{case_id}/{action}", json=body, headers={
            **await self._bearer(who), HEADER: at.isoformat(), "If-Match": etag})
        _check(answer, action)
        return answer.json()


def _check(answer: httpx.Response, what: str) -> None:
    if answer.status_code >= 400:
        raise RuntimeError(f"{what}: {answer.status_code} {answer.text[:300]}")


class Progress:
    """A one-line progress bar on stderr (redrawn in place on a terminal, a line a tenth otherwise)."""

    def __init__(self, total: int):
        self.total, self.done, self.started = total, 0, clock.monotonic()
        self.tty, self._last_tenth = sys.stderr.isatty(), -1

    def step(self, note: str = "") -> None:
        self.done += 1
        width, share = 30, self.done / self.total
        bar = "#" * round(width * share) + "-" * (width - round(width * share))
        line = f"seeding [{bar}] {self.done}/{self.total} cases {clock.monotonic() - self.started:.0f}s {note}"
        if self.tty:
            print(f"\r{line:<100}", end="" if self.done < self.total else "\n", file=sys.stderr, flush=True)
        elif int(share * 10) != self._last_tenth or self.done == self.total:
            self._last_tenth = int(share * 10)
            print(line, file=sys.stderr, flush=True)


def received_times(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """``count`` referral times spread over the two years before ``now``, on working days in office hours."""
    times = []
    for _ in range(count):
        moment = now - SPAN + timedelta(seconds=rng.uniform(0, SPAN.total_seconds() - 86400))
        day = add_working_days(moment, 0).astimezone(LONDON).date()  # a day off moves to the next working day
        local = datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), LONDON)
        times.append(min(local.astimezone(UTC), now - timedelta(hours=2)))
    return sorted(times)


async def seed(folder: Path, count: int, parallel: int, random_seed: int | None) -> int:
    system = DemoSystem(folder)
    try:
        if not await system.honours_demo_clock():
            print("rj demo seed: the running system does not honour the demo clock; "
                  "stop it and start it with `rj up --demo-clock`", file=sys.stderr)
            return 1
        rng = random.Random(random_seed)
        now = datetime.now(UTC)
        plans = [(plan(rng, number, at.date()), at, rng.getrandbits(64))
                 for number, at in enumerate(received_times(rng, count, now), start=1)]
        outcomes: Counter[str] = Counter()
        progress, gate = Progress(count), asyncio.Semaphore(parallel)

        async def one(case: tuple[Plan, datetime, int]) -> None:
            async with gate:
                outcomes[await seed_case(system, *case, until=now)] += 1
                progress.step()

        await asyncio.gather(*(one(case) for case in plans))
        counted = await system.count_equality()
    finally:
        await system.close()
    print(f"seeded {count} cases: " + ", ".join(f"{n} {what}" for what, n in outcomes.most_common()))
    print(f"equality monitoring counted for {', '.join(counted) or 'no ended quarter'}")
    return 0 if not outcomes.get("failed") else 1


async def seed_case(system: DemoSystem, case: Plan, received: datetime, bits: int, until: datetime) -> str:
    """Refer one case and walk it; what became of it (a closure reason, in progress, or failed)."""
    try:
        referral_id = await system.refer(case.referral, received)
        w = Walk(system, await system.case_of(referral_id), received, random.Random(bits), until)
        return await walk(w, case)
    except CaughtUp:
        return "in progress"
    except (NotOffered, RuntimeError, TimeoutError, httpx.HTTPError) as error:
        print(f"\nrj demo seed: case {case.number} ({case.story}): {error}", file=sys.stderr, flush=True)
        return "failed"

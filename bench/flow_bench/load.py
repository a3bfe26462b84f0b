"""One rate: referrals sent on an open-loop schedule, and the casework read model polled for them.

Times are ``loop.time()`` (monotonic) in the client; ``wall_offset`` turns them into wall-clock
times, to compare with the timestamps the services record (same machine, same clock).
"""

from __future__ import annotations

import asyncio
import copy
import secrets
import time
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg
import httpx

from services.referral.domain.submission import EXAMPLE

from .backlog import Sampler
from .config import LATE, POLL_INTERVAL, REQUEST_TIMEOUT


@dataclass
class Referral:
    index: int
    scheduled: float  # when the schedule said to send it
    started: float = 0.0  # when the client started the POST
    answered: float | None = None  # when the answer (or the error) came
    status: int | None = None  # HTTP status; None for a transport error
    error: str | None = None  # why it was not accepted
    referral_id: UUID | None = None
    seen: float | None = None  # the answer of the first poll that found its case
    window: float | None = None  # the case became visible at most this long before ``seen``
    at_first_poll: bool = False  # the first poll after its 201 already found the case

    @property
    def accepted(self) -> bool:
        return self.status == 201 and self.referral_id is not None


@dataclass
class Polls:
    count: int = 0
    gaps: list[float] = field(default_factory=list)  # between the starts of consecutive polls
    durations: list[float] = field(default_factory=list)  # each query, sent to answered


@dataclass
class RateRun:
    rate: float
    seconds: float
    referrals: list[Referral]
    polls: Polls
    first_send: float
    last_send: float  # when the last POST started
    last_answer: float
    drained: float  # when the last case was seen (or the drain gave up)
    peak_in_flight: int
    wall_offset: float  # add to a loop time to get time.time()
    tag: str  # in every Idempotency-Key and crime reference of this run

    @property
    def accepted(self) -> list[Referral]:
        return [r for r in self.referrals if r.accepted]


def submission(tag: str, index: int) -> dict:
    """The API's example referral, made unique (no possible duplicate of an earlier one)."""
    body = copy.deepcopy(EXAMPLE)
    body["offence"]["crime_reference"] = f"BENCH/{tag}/{index}"
    body["victim"]["name"] = f"Bench Victim {tag} {index}"
    return body


async def run_rate(referral_url: str, key: str, database_url: str, rate: float, seconds: float, drain: float,
                   sampler: Sampler | None = None) -> RateRun:
    """Send ``rate`` referrals a second for ``seconds``; wait until every accepted one's case is visible
    (at most ``drain`` seconds after the last answer)."""
    loop = asyncio.get_running_loop()
    wall_offset = time.time() - loop.time()
    tag = secrets.token_hex(4)
    count = round(rate * seconds)
    url = f"{referral_url}/api/v1/referrals"
    headers = {"Authorization": f"Bearer {key}"}
    bodies = [submission(tag, i) for i in range(count)]  # built before the clock starts
    pending: dict[UUID, Referral] = {}
    polls = Polls()
    in_flight = peak = 0
    sending_done = asyncio.Event()

    limits = httpx.Limits(max_connections=None, max_keepalive_connections=200)  # open loop: never queue here
    async with httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT) as client:
        await client.get(f"{referral_url}/readyz")  # a warm connection, as a partner would have

        async def post(referral: Referral) -> None:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            referral.started = loop.time()
            try:
                answer = await client.post(url, json=bodies[referral.index], headers={
                    **headers, "Idempotency-Key": f"bench-{tag}-{referral.index}"})
                referral.answered, referral.status = loop.time(), answer.status_code
                if answer.status_code == 201:
                    referral.referral_id = UUID(answer.json()["referral_id"])
                    pending[referral.referral_id] = referral
                else:
                    referral.error = f"HTTP {answer.status_code}"
            except httpx.HTTPError as error:
                referral.answered, referral.error = loop.time(), type(error).__name__
            finally:
                in_flight -= 1

        conn = await asyncpg.connect(database_url)
        try:
            poller = asyncio.create_task(_poll(conn, pending, polls, sending_done, loop, drain))
            start = loop.time() + 0.05
            referrals = [Referral(i, start + i / rate) for i in range(count)]
            tasks = []
            for referral in referrals:
                delay = referral.scheduled - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(post(referral)))  # never waits for an earlier answer
            last_send = loop.time()
            if sampler is not None:
                await sampler.mark_last_send()
            await asyncio.gather(*tasks)
            last_answer = loop.time()
            sending_done.set()
            drained = await poller
        finally:
            await conn.close()
    started = [r.started for r in referrals]
    return RateRun(rate, seconds, referrals, polls, min(started), max(started), last_answer, drained or last_send,
                   peak, wall_offset, tag)


async def _poll(conn: asyncpg.Connection, pending: dict[UUID, Referral], polls: Polls,
                sending_done: asyncio.Event, loop: asyncio.AbstractEventLoop, drain: float) -> float:
    """Every POLL_INTERVAL, one query for all accepted referrals whose case is not yet seen.

    Returns when every accepted referral's case was seen (or ``drain`` seconds after the last answer)."""
    statement = await conn.prepare("SELECT referral_id FROM casework.cases WHERE referral_id = ANY($1::uuid[])")
    previous_start: float | None = None
    next_start = loop.time()
    give_up: float | None = None
    while True:
        if sending_done.is_set():
            give_up = give_up or loop.time() + drain
            if not pending or loop.time() > give_up:
                return loop.time()
        if pending:
            asked = list(pending.items())  # accepted before this poll was sent
            begun = loop.time()
            rows = await statement.fetch([referral_id for referral_id, _ in asked])
            done = loop.time()
            polls.count += 1
            polls.durations.append(done - begun)
            if previous_start is not None:
                polls.gaps.append(begun - previous_start)
            found = {row["referral_id"] for row in rows}
            for referral_id, referral in asked:
                if referral_id in found:
                    del pending[referral_id]
                    referral.seen = done
                    # Not visible to the previous poll (or not yet accepted then): the true moment is in here.
                    earliest = max(previous_start or 0.0, referral.answered or 0.0)
                    referral.at_first_poll = previous_start is None or referral.answered > previous_start
                    referral.window = done - earliest
            previous_start = begun
        else:
            previous_start = None  # nothing asked: the next poll's window starts at its referrals' answers
        next_start = max(next_start + POLL_INTERVAL, loop.time())
        await asyncio.sleep(next_start - loop.time())


def late_sends(run: RateRun) -> list[float]:
    """How far behind schedule each POST started."""
    return [r.started - r.scheduled for r in run.referrals]


def count_late(run: RateRun) -> int:
    return sum(lag > LATE for lag in late_sends(run))

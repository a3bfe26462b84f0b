"""Due timers → what they do (``decide_due``), once: a reminder or deadline record, and a send.

What the service has seen (``Watch``: what was sent already, what work is done since) is folded
from the source event's stream, its case's stream and the notification's own stream, read at
firing time, so a redelivered event, a restart or a second replica sends nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

import structlog

from services.notifications.adapters.timers import Claim, TimerRow
from services.notifications.domain.decide import Send, decide_due
from services.notifications.domain.rules import RULES
from services.notifications.domain.timers import Timer, Watch, evolve
from services.notifications.handlers.dependencies import Dependencies
from services.notifications.handlers.recording import cause_of, derived_id, read_opened, record, stream_of
from services.notifications.handlers.sending import backoff, deliver
from shared.contracts.casework import ConsentGiven, ConsentWithdrawn
from shared.envelope import Envelope

log = structlog.get_logger()
BATCH = 50


def timer_of(row: TimerRow) -> Timer:
    p = row.payload
    return Timer(row.key, RULES[p["rule"]], UUID(p["source_event_id"]), row.due_at, p["recipient_id"],
                 UUID(p["about_id"]) if p["about_id"] else None,
                 datetime.fromisoformat(p["deadline"]) if p["deadline"] else None)


@dataclass(frozen=True)
class Seen:
    source: Envelope | None
    watch: Watch
    withdrawn: frozenset[str]
    """Participants (victim, offender, supporter) whose consent to take part stands withdrawn."""


def streams_for(row: TimerRow) -> list[str]:
    """The source event's stream, its case's (a referral's case is uuid5(referral id, "case")), the
    notification's own."""
    stream = row.payload["stream"]
    streams = [stream]
    if stream.startswith("referral-"):
        streams.append(f"case-{uuid5(UUID(stream.removeprefix('referral-')), 'case')}")
    return [*streams, stream_of(row.key)]


async def look(row: TimerRow, deps: Dependencies) -> Seen:
    source_id, source, watch, consent = UUID(row.payload["source_event_id"]), None, Watch(), {}
    for stream in streams_for(row):
        for envelope in await read_opened(deps, stream):
            event = envelope.event
            source = envelope if envelope.event_id == source_id else source
            watch = evolve(watch, event, envelope.event_id)
            if isinstance(event, ConsentGiven | ConsentWithdrawn) and event.scope == "participation":
                consent[event.party] = isinstance(event, ConsentWithdrawn)
    return Seen(source, watch, frozenset(party for party, withdrawn in consent.items() if withdrawn))


async def fire(row: TimerRow, deps: Dependencies, now: datetime, claim: Claim) -> None:
    seen = await look(row, deps)
    if seen.source is None:
        log.error("notification.source_missing", timer=str(row.key), stream=row.payload["stream"])
        claim.mark_fired(row.key)
        return
    cause = cause_of(seen.source.recorded)
    for outcome in decide_due(timer_of(row), seen.watch, now):
        if isinstance(outcome, Send):
            later = await deliver(outcome, seen.source.event, seen.withdrawn, deps, now, row.attempts, cause)
            if later:
                claim.again_at(row.key, *later)
                return
        else:
            await record(deps, row.key, outcome, cause, derived_id(row.key, outcome.event_type))
    claim.mark_fired(row.key)


async def fire_due(deps: Dependencies, now: datetime | None = None, limit: int = BATCH) -> int:
    """Work the timers due at ``now`` (the service's clock unless given); how many were taken."""
    now = now or deps.clock.now()
    async with deps.timers.claim(now, limit) as claim:
        for row in claim.rows:
            try:
                await fire(row, deps, now, claim)
            except Exception:  # one timer's failure must not stop the others: it is taken again later
                log.exception("notification.timer_failed", timer=str(row.key))
                claim.again_at(row.key, now + backoff(row.attempts + 1), row.attempts + 1)
        return len(claim.rows)


async def run_timers(deps: Dependencies, every: float = 3.0) -> None:
    """The background loop: look every ``every`` seconds, or at once when a timer is scheduled."""
    while True:
        deps.wake.clear()
        try:
            taken = await fire_due(deps)
        except Exception:
            log.exception("notification.timers_failed")
            taken = 0
        if taken >= BATCH:
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(deps.wake.wait(), every)

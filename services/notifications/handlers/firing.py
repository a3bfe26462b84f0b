"""Due timers → what they do (``decide_due``), once: a reminder or deadline record, and a send.

What the service has seen (``Watch``: what was sent already, what work is done since) is folded
from the source event's stream, the referral's or case's beside it and the notification's own
stream, read at firing time, so a redelivered event, a restart or a second replica sends nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from uuid import UUID

import structlog

from services.notifications.adapters.timers import Claim, TimerRow
from services.notifications.domain.decide import Send, decide_due
from services.notifications.domain.rules import rule_named
from services.notifications.domain.timers import Timer, Watch, evolve
from services.notifications.handlers.dependencies import Dependencies
from services.notifications.handlers.recipients import Context
from services.notifications.handlers.recording import cause_of, derived_id, read_opened, record, stream_of
from services.notifications.handlers.sending import backoff, deliver
from shared.contracts.casework import CaseOpened, ConsentGiven, ConsentWithdrawn, case_id_for
from shared.contracts.referral import ReferralReceived

log = structlog.get_logger()
BATCH = 50


def timer_of(row: TimerRow) -> Timer:
    p = row.payload
    return Timer(row.key, rule_named(p["rule"]), UUID(p["source_event_id"]), row.due_at, p["recipient_id"],
                 UUID(p["about_id"]) if p["about_id"] else None,
                 datetime.fromisoformat(p["deadline"]) if p["deadline"] else None)


def _referral_of(stream: str) -> UUID | None:
    return UUID(stream.removeprefix("referral-")) if stream.startswith("referral-") else None


async def look(row: TimerRow, deps: Dependencies) -> Context | None:
    """Fold the source event's stream, the other of its referral and case, and the notification's
    own; None if the source event is not there (it always is: it was read from the store)."""
    stream, source_id = row.payload["stream"], UUID(row.payload["source_event_id"])
    found = await read_opened(deps, stream)
    referral_id = _referral_of(stream) or next(
        (e.event.referral_id for e in found if isinstance(e.event, CaseOpened)), None)
    if referral_id is not None:
        other = f"case-{case_id_for(referral_id)}" if _referral_of(stream) else f"referral-{referral_id}"
        found += await read_opened(deps, other)
    found += await read_opened(deps, stream_of(row.key))
    source, referral, case, watch, consent = None, None, None, Watch(), {}
    for envelope in found:
        event = envelope.event
        source = envelope if envelope.event_id == source_id else source
        referral = event if isinstance(event, ReferralReceived) else referral
        case = event if isinstance(event, CaseOpened) else case
        watch = evolve(watch, event, envelope.event_id)
        if isinstance(event, ConsentGiven | ConsentWithdrawn) and event.scope == "participation":
            consent[event.party] = isinstance(event, ConsentWithdrawn)
    if source is None:
        return None
    withdrawn = frozenset(party for party, gone in consent.items() if gone)
    return Context(source, referral, case, watch, withdrawn)


async def fire(row: TimerRow, deps: Dependencies, now: datetime, claim: Claim) -> None:
    ctx = await look(row, deps)
    if ctx is None:
        log.error("notification.source_missing", timer=str(row.key), stream=row.payload["stream"])
        claim.mark_fired(row.key)
        return
    cause = cause_of(ctx.source.recorded)
    for outcome in decide_due(timer_of(row), ctx.watch, now):
        if isinstance(outcome, Send):
            later = await deliver(outcome, ctx, deps, now, row.attempts, cause)
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
            async with asyncio.timeout(every):
                await deps.wake.wait()

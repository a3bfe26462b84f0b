"""Counting equality monitoring (docs/decisions/0006): for each ended quarter, casework — which
holds the keys — opens the answers of everyone who took part or declined in it and publishes the
counts alone, appending a recount only when it differs from the tally on record."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol
from uuid import UUID

import structlog

from services.casework.domain.equality import counted_in, ended_quarters, tally
from services.casework.domain.state import case_stream
from services.casework.handlers.dependencies import Dependencies
from shared.contracts import casework as e
from shared.envelope import Cause, new_event, open_event
from shared.eventstore.port import NO_STREAM, Actor, WrongExpectedVersion
from shared.periods import Quarter

log = structlog.get_logger()
COUNTER = Actor("system", "casework", "system")
READ = frozenset({"ConsentGiven", "VictimDeclined", "OffenderDeclined", "EqualityMonitoringRecorded"})
"""The event types a tally reads; the rest of a case is left sealed and unparsed."""
CATCH_UP_POLL = 30.0


class Decided(Protocol):
    """Which quarters have decisions in them, and which cases (the ``equality_decisions`` read model)."""

    async def quarters(self) -> list[Quarter]: ...

    async def cases(self, quarter: Quarter) -> list[UUID]: ...


def tally_stream(quarter: Quarter) -> str:
    return f"equality-{quarter.key}"


async def count_ended_quarters(deps: Dependencies, decided: Decided, now: datetime) -> list[str]:
    """Count every ended quarter with a decision in it; the keys of the quarters whose tally was published."""
    published = []
    for quarter in ended_quarters(await decided.quarters(), now):
        if await count_quarter(deps, decided, quarter, now):
            published.append(quarter.key)
    return published


async def count_quarter(deps: Dependencies, decided: Decided, quarter: Quarter, now: datetime) -> bool:
    """Publish the quarter's tally unless the one on record says the same; True if published."""
    counted = []
    for case_id in await decided.cases(quarter):
        events = [await open_event(r, deps.keys) for r in await deps.store.read_stream(case_stream(case_id))
                  if r.event_type in READ]
        counted += counted_in(quarter, [(env.recorded.occurred_at, env.event) for env in events])
    counts = tally(counted)
    stream = tally_stream(quarter)
    on_record = await deps.store.read_stream(stream)
    if on_record:
        last = (await open_event(on_record[-1], None)).event
        if isinstance(last, e.EqualityMonitoringTallied) and (last.decided, last.counts) == (len(counted), counts):
            return False
    event = e.EqualityMonitoringTallied(quarter=quarter.key, starts_on=quarter.start, ends_on=quarter.end,
                                        counted_at=now, decided=len(counted), counts=counts)
    try:
        await deps.store.append(stream, [await new_event(event, Cause.fresh(COUNTER), deps.keys, occurred_at=now)],
                                len(on_record) - 1 if on_record else NO_STREAM)
    except WrongExpectedVersion:
        log.info("equality.tally_raced", quarter=quarter.key)  # another instance published this recount
        return False
    log.info("equality.tally_published", quarter=quarter.key, decided=len(counted), version=len(on_record))
    return True


async def count_every(deps: Dependencies, decided: Decided, hours: float,
                      caught_up: Callable[[], Awaitable[bool]]) -> None:
    """The background loop: count at start, then every ``hours`` (a failure is logged and retried
    then). Each count waits until the decisions read model has caught up with the broker, so a
    service starting behind never publishes a count short of people it has not read yet."""
    while True:
        while not await caught_up():  # noqa: ASYNC110  # the broker has no event to wait on for this
            await asyncio.sleep(CATCH_UP_POLL)
        try:
            await count_ended_quarters(deps, decided, deps.clock())
        except Exception:
            log.exception("equality.tally_failed")
        await asyncio.sleep(hours * 3600)

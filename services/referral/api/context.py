"""What every partner route takes from its request: the handlers' dependencies, the cause of
what it records, and the read-your-writes wait after recording."""

from __future__ import annotations

import asyncio
from typing import Annotated

import structlog
from fastapi import Depends, Request

from services.referral.handlers import Dependencies, Submitted
from services.referral.projections import REFERRAL_STATUS
from shared.envelope import Cause
from shared.eventstore.port import Actor
from shared.web.app import service_dependencies, service_runtime

Deps = Annotated[Dependencies, Depends(service_dependencies)]
log = structlog.get_logger()
WAIT_LIMIT = 10.0  # seconds: the wait bounds itself, but a stuck query to the read model must not hang the answer


def agency_cause(request: Request, agency_id: str) -> Cause:
    """A partner's request starts a conversation: the agency acted, under the request's correlation id."""
    return Cause.fresh(Actor("agency", agency_id, "partner"), request.state.correlation_id)


async def readable(request: Request, submitted: list[Submitted]) -> None:
    """Read your writes (D7): wait, bounded, until each referral's status can be read back.

    The events are recorded by then: a wait that times out or fails is logged, not answered as an
    error, for an error would tell the partner to send again what is already recorded."""
    event_ids = [s.event_id for s in submitted]
    try:
        waiting = service_runtime(request).wait_until_projected(REFERRAL_STATUS.name, event_ids)
        projected = await asyncio.wait_for(waiting, WAIT_LIMIT)
    except Exception:
        log.exception("referral.read_your_writes_failed", events=[str(e) for e in event_ids])
        return
    if projected is False:
        log.warning("referral.read_your_writes_timed_out", events=[str(e) for e in event_ids])

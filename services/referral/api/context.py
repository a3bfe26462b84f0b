"""What every partner route takes from its request: the handlers' dependencies, the cause of
what it records, and the read-your-writes wait after recording."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.referral.handlers import Dependencies, Submitted
from services.referral.projections import REFERRAL_STATUS
from shared.envelope import Cause
from shared.eventstore.port import Actor
from shared.web.app import read_your_writes, service_dependencies

Deps = Annotated[Dependencies, Depends(service_dependencies)]


def agency_cause(request: Request, agency_id: str) -> Cause:
    """A partner's request starts a conversation: the agency acted, under the request's correlation id."""
    return Cause.fresh(Actor("agency", agency_id, "partner"), request.state.correlation_id)


async def readable(request: Request, submitted: list[Submitted]) -> None:
    """Read your writes (D7): wait, bounded, until each referral's status can be read back."""
    await read_your_writes(request, REFERRAL_STATUS.name, [s.event_id for s in submitted])

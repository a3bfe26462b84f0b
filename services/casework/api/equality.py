"""Counting equality monitoring now, rather than at the next scheduled count (docs/decisions/0006):
for a supervisor or administrator after correcting answers, and for the demo seed after filling
past quarters. Only ended quarters are ever counted."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from services.casework.api.access import Deps, refuse_cross_site
from services.casework.handlers.equality import count_ended_quarters
from services.casework.projections import EQUALITY_DECISIONS
from services.casework.projections.equality_decisions import DecidedCases
from shared.identity.fastapi import require_role
from shared.identity.tokens import Principal
from shared.web.app import service_runtime
from shared.web.problems import Problem

router = APIRouter(prefix="/api/v1/equality", tags=["equality monitoring"])
Counter = Annotated[Principal, Depends(require_role("supervisor", "admin"))]


class Counted(BaseModel):
    counted_at: datetime
    published: list[str]
    """The quarters whose tally was published: those whose recount differed from the one on record."""


@router.post("/tallies", response_model=Counted, summary="Count the ended quarters' equality monitoring now")
async def count_now(request: Request, deps: Deps, _: Counter) -> Counted:
    refuse_cross_site(request)
    runtime = service_runtime(request)
    if not await _caught_up(runtime):
        raise Problem(503, "Catching up", "casework has not yet read every decision published; try again shortly",
                      kind="catching-up", headers={"Retry-After": "5"})
    now = deps.clock()
    published = await count_ended_quarters(deps, DecidedCases(runtime.pool), now)
    return Counted(counted_at=now, published=published)


async def _caught_up(runtime, wait: float = 10.0) -> bool:
    """A count short of decisions not yet read would be published as if final: wait a little for them."""
    for _ in range(int(wait / 0.25)):
        if await runtime.caught_up(EQUALITY_DECISIONS.name):
            return True
        await asyncio.sleep(0.25)
    return False

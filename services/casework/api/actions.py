"""Every action on a case: ``POST /api/v1/cases/{case_id}/<action>`` with the action's JSON body,
one route per action so the OpenAPI document shows each body and its example. ``If-Match`` (the
case's version, from its ``ETag``) makes an action apply only to the case as its sender saw it."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Header, Request, Response
from pydantic import BaseModel, Field

from services.casework.api.access import Deps, Staff, person_cause
from services.casework.api.examples import EXAMPLES
from services.casework.api.problems import PROBLEMS
from services.casework.domain.commands import action_path
from services.casework.domain.decide import DECISIONS
from services.casework.handlers import ActOnCase, handle
from services.casework.projections import CASES
from shared.web.app import read_your_writes
from shared.web.problems import Problem

router = APIRouter(prefix="/api/v1/cases", tags=["case actions"])


class Recorded(BaseModel):
    event_type: str
    ids: dict[str, UUID] = Field(description="the ids of what the event made (a consent, a letter, a conference…)")


class ActionResult(BaseModel):
    case_id: UUID
    version: int
    recorded: list[Recorded]


def recorded(event) -> Recorded:
    ids = {name: value for name, value in event if name.endswith("_id") and isinstance(value, UUID)
           and name not in ("case_id", "subject_id", "referral_id")}
    return Recorded(event_type=event.event_type, ids=ids)


def expected_version(if_match: str | None) -> int | None:
    """``"7"``, ``W/"7"`` or ``7`` → 7; absent → None (act on the case as it is now)."""
    if if_match is None:
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 9:
        raise Problem(400, "Bad If-Match", "If-Match is the case's version, as its ETag gave it (e.g. \"7\")",
                      kind="bad-if-match")
    return int(value)


def _route(action: type) -> None:
    async def post_action(
        request: Request, response: Response, case_id: UUID, who: Staff, deps: Deps,
        body: Annotated[action, Body(openapi_examples={"example": {"value": EXAMPLES[action]}})],  # type: ignore[valid-type]
        if_match: Annotated[str | None, Header(alias="If-Match", max_length=20)] = None,
    ) -> ActionResult:
        command = ActOnCase(case_id, body, who, expected_version(if_match))
        executed = await handle(command, person_cause(request, who), deps)
        await read_your_writes(request, CASES.name, executed.event_ids)
        response.headers["ETag"] = f'"{executed.version}"'
        return ActionResult(case_id=case_id, version=executed.version,
                            recorded=[recorded(e) for e in executed.events])

    post_action.__name__ = action_path(action).replace("-", "_")
    router.add_api_route(f"/{{case_id}}/{action_path(action)}", post_action, methods=["POST"],
                         response_model=ActionResult, responses=PROBLEMS, summary=_summary(action),
                         description=(action.__doc__ or "").strip(), name=post_action.__name__)


def _summary(action: type) -> str:
    return action_path(action).replace("-", " ").replace("rj ", "RJ ").capitalize()


for _action in DECISIONS:
    _route(_action)

"""The partner agencies' JSON API (OpenAPI at /openapi.json)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from services.referral.api.auth import ReadsReferrals, WritesReferrals
from services.referral.api.context import Deps, agency_cause, readable
from services.referral.api.problems import PROBLEMS
from services.referral.domain.commands import ReceiveReferral
from services.referral.domain.submission import ReferralSubmission
from services.referral.handlers import Submitted, handle
from services.referral.projections.referral_status import status_of
from shared.web.app import service_runtime
from shared.web.limits import ensure_shallow_json
from shared.web.problems import Problem

JSON = "application/json"


class JsonBodyRoute(APIRoute):
    """A route whose body is JSON: any other media type is a 415, and a body nested too deeply a
    400, both decided before FastAPI parses it (its parser recurses once per level of nesting)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        answer = super().get_route_handler()

        async def checked(request: Request) -> Response:
            if request.method in ("POST", "PUT", "PATCH"):
                media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
                if media_type != JSON:
                    raise Problem(415, "Unsupported media type",
                                  f"Content-Type {media_type or '(none)'!r} is not accepted: send {JSON}",
                                  kind="unsupported-media-type")
                ensure_shallow_json(await request.body())  # read once: FastAPI reads the same copy
            return await answer(request)

        return checked


router = APIRouter(prefix="/api/v1", tags=["referrals"], route_class=JsonBodyRoute)
WRITE_PROBLEMS = {**PROBLEMS, 415: {"description": f"The body is not {JSON}",
                                    "content": {"application/problem+json": {}}}}


class ReferralAccepted(BaseModel):
    referral_id: UUID
    reference: str
    status_url: str
    possible_duplicate_of: UUID | None = None


class ReferralStatusOut(BaseModel):
    referral_id: UUID
    reference: str
    status: Literal["received", "acknowledged", "declined", "withdrawn", "case opened", "closed"]
    outcome: str | None = None
    received_at: datetime
    updated_at: datetime


@router.post("/referrals", status_code=201, response_model=ReferralAccepted, responses=WRITE_PROBLEMS,
             summary="Refer a victim to the restorative justice service")
async def post_referral(
    request: Request,
    response: Response,
    submission: ReferralSubmission,
    agency: WritesReferrals,
    deps: Deps,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200,
                                                  pattern=r"^[\x21-\x7e]+$")] = None,
) -> ReferralAccepted:
    """Records `ReferralReceived`. A repeat with the same `Idempotency-Key` and body answers the
    same result and stores nothing new."""
    command = ReceiveReferral(submission, agency.agency_id, idempotency_key)
    result: Submitted = await handle(command, agency_cause(request, agency.agency_id), deps)
    await readable(request, [result])
    status_url = str(request.url_for("referral_status", referral_id=result.referral_id))
    response.headers["Location"] = status_url
    if not result.created:
        response.headers["Idempotent-Replayed"] = "true"
    return ReferralAccepted(referral_id=result.referral_id, reference=result.reference, status_url=status_url,
                            possible_duplicate_of=result.possible_duplicate_of)


@router.get("/referrals/{referral_id}", name="referral_status", response_model=ReferralStatusOut,
            responses=PROBLEMS, summary="The status of a referral this agency made")
async def get_referral(request: Request, referral_id: UUID, agency: ReadsReferrals) -> ReferralStatusOut:
    """Any other agency gets 404, so a referral's existence does not leak."""
    row = await status_of(service_runtime(request).pool, referral_id, agency.agency_id)
    if row is None:
        raise Problem(404, "Not found", "no referral with that id was made by your agency", kind="not-found")
    return ReferralStatusOut(**dict(row))

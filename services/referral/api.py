"""The partner agencies' JSON API (OpenAPI at /openapi.json)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel

from services.referral.auth import ReadsReferrals, WritesReferrals
from services.referral.dependencies import deps, runtime
from services.referral.handlers import IdempotencyKeyReused, Submitted, submit_referral
from services.referral.intake import ReferralSubmission
from shared.envelope import Cause
from shared.eventstore.port import Actor
from shared.web.problems import Problem

router = APIRouter(prefix="/api/v1", tags=["referrals"])
PROBLEMS = {
    400: {"description": "Malformed body (not JSON, not a CloudEvent)", "content": {"application/problem+json": {}}},
    401: {"description": "Missing, unknown or revoked agency key", "content": {"application/problem+json": {}}},
    403: {"description": "The key lacks the scope this needs", "content": {"application/problem+json": {}}},
    404: {"description": "No such referral for this agency", "content": {"application/problem+json": {}}},
    413: {"description": "Body too large", "content": {"application/problem+json": {}}},
    409: {"description": "A rule forbids the update (e.g. the referral was withdrawn)",
          "content": {"application/problem+json": {}}},
    422: {"description": "Invalid fields, each named", "content": {"application/problem+json": {}}},
}


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


def accepted(request: Request, result: Submitted) -> ReferralAccepted:
    return ReferralAccepted(
        referral_id=result.referral_id, reference=result.reference,
        status_url=str(request.url_for("referral_status", referral_id=result.referral_id)),
        possible_duplicate_of=result.possible_duplicate_of,
    )


async def accept_referral(request: Request, submission: ReferralSubmission, agency, key: str | None) -> Submitted:
    """Record a partner's referral and wait, bounded, until its status can be read back."""
    if submission.source == "self":
        raise Problem(422, "Your request has invalid fields", "source: 'self' is for victims' own referrals",
                      errors=[{"field": "source", "pointer": "#/source",
                               "problem": "'self' is for victims referring themselves through /refer"}],
                      kind="invalid-request")
    try:
        cause = Cause.fresh(Actor("agency", agency.agency_id, "partner"), request.state.correlation_id)
        result = await submit_referral(submission, cause, deps(request), agency_id=agency.agency_id,
                                       idempotency_key=key)
    except IdempotencyKeyReused:
        raise Problem(422, "Idempotency key reused", "this Idempotency-Key was used with a different request body",
                      errors=[{"field": "Idempotency-Key", "pointer": "#/headers/Idempotency-Key",
                               "problem": "already used for a different request; use a new key"}],
                      kind="idempotency-key-reused") from None
    await runtime(request).wait_until_projected("referral_status", [result.event_id])
    return result


@router.post("/referrals", status_code=201, response_model=ReferralAccepted, responses=PROBLEMS,
             summary="Refer a victim to the restorative justice service")
async def post_referral(
    request: Request,
    response: Response,
    submission: ReferralSubmission,
    agency: WritesReferrals,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200,
                                                  pattern=r"^[\x21-\x7e]+$")] = None,
) -> ReferralAccepted:
    """Records `ReferralReceived`. A repeat with the same `Idempotency-Key` and body answers the
    same result and stores nothing new."""
    result = await accept_referral(request, submission, agency, idempotency_key)
    response.headers["Location"] = str(request.url_for("referral_status", referral_id=result.referral_id))
    if not result.created:
        response.headers["Idempotent-Replayed"] = "true"
    return accepted(request, result)


@router.get("/referrals/{referral_id}", name="referral_status", response_model=ReferralStatusOut,
            responses=PROBLEMS, summary="The status of a referral this agency made")
async def get_referral(
    request: Request, referral_id: UUID, agency: ReadsReferrals
) -> ReferralStatusOut:
    """Any other agency gets 404, so a referral's existence does not leak."""
    row = await runtime(request).pool.fetchrow(
        "SELECT referral_id, reference, status, outcome, received_at, updated_at FROM referral.referral_status"
        " WHERE referral_id = $1 AND agency_id = $2", referral_id, agency.agency_id,
    )
    if row is None:
        raise Problem(404, "Not found", "no referral with that id was made by your agency", kind="not-found")
    return ReferralStatusOut(**dict(row))

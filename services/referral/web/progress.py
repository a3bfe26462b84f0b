"""The victim's progress page (/progress/<token>): the broad stage of their referral and case, the
next step in plain words, and how to reach the service — never anything about the other party.

The token is the private link sent with the acknowledgement (``shared.crypto.links``, key for the
purpose ``VICTIM_PROGRESS_LINK``); a forged, expired or revoked one gets the same 410 page, which
says only that the link no longer works and how to contact us. Every view is recorded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.referral.domain.commands import RecordProgressView
from services.referral.handlers import handle, link_stands
from services.referral.handlers.progress import facilitator_contact
from services.referral.projections.referral_status import stage_of
from services.referral.settings import Settings
from shared.crypto.derive import VICTIM_PROGRESS_LINK, purpose_key
from shared.crypto.links import sign_link, verify_link
from shared.envelope import Cause
from shared.eventstore.port import Actor
from shared.web.app import service_dependencies, service_runtime
from shared.web.templating import templates

router = APIRouter(prefix="/progress", include_in_schema=False)
PAGES = templates(Path(__file__).parent / "templates")
LINK_HOLDER = Actor("user", "progress-link", "victim")

NEXT_STEP = {
    "received": "We have your referral. We will contact you within 2 working days, only in the ways and at the"
                " times you told us are safe, and a facilitator will be chosen to work with you.",
    "with a facilitator": "A facilitator is looking after your case. They will contact you to explain restorative"
                          " justice, answer your questions and help you decide whether it is right for you.",
    "preparing": "Your facilitator is helping you prepare. Nothing happens without your agreement, and you can"
                 " stop at any time.",
    "closed": "Your case is closed. If you want to talk about it, or would like to start again, contact us.",
}


def link_key(settings: Settings) -> bytes:
    return purpose_key(settings.kek(), VICTIM_PROGRESS_LINK)


def progress_link(settings: Settings, referral_id: UUID) -> str:
    """The path of a new private link to a referral's progress page (what the acknowledgement carries)."""
    token = sign_link(link_key(settings), referral_id, lifetime=timedelta(days=settings.progress_link_days))
    return f"/progress/{token}"


def page(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    settings = service_runtime(request).settings
    contact = {"phone": settings.contact_phone, "email": settings.contact_email, "hours": settings.contact_hours}
    response = PAGES.TemplateResponse(request, name, {"contact": contact, **context}, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@router.get("/{token}")
async def progress(request: Request, token: str) -> HTMLResponse:
    runtime, deps = service_runtime(request), service_dependencies(request)
    claims = verify_link(link_key(runtime.settings), token)
    if claims is None or not await link_stands(claims, deps):
        return page(request, "link_gone.html", status_code=410)
    row = await stage_of(runtime.pool, claims.subject_id)
    stage = row["stage"] if row else "received"  # recorded, not yet in the read model
    await handle(RecordProgressView(claims.subject_id, stage),
                 Cause.fresh(LINK_HOLDER, request.state.correlation_id), deps)
    facilitator = (await facilitator_contact(runtime.identity.accounts, runtime.keys, row["facilitator"])
                   if row and row["facilitator"] and stage != "closed" else None)
    return page(request, "progress.html", stage=stage, next_step=NEXT_STEP[stage],
                reference=row["reference"] if row else None, facilitator=facilitator)

"""The referral service's staff pages, for supervisors and admins (``shared.web.staff``; sign-in at
/login): revoking a victim's private progress links (/staff/progress-links) by the referral's
reference, as printed in the acknowledgement, with a reason kept for the audit record. The
revocation is recorded as the person signed in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from services.referral.domain.commands import RevokeProgressLink
from services.referral.domain.errors import UnknownReferral
from services.referral.handlers import handle
from services.referral.projections.referral_status import referral_with_reference
from shared.commands import RuleBroken
from shared.envelope import Cause
from shared.eventstore.port import Actor
from shared.identity.tokens import Principal
from shared.web.app import service_dependencies, service_runtime
from shared.web.csrf import Csrf
from shared.web.staff import StaffPages

STAFF = StaffPages(Path(__file__).parent / "templates", service="Restorative justice referrals",
                   home="/staff/progress-links", roles=("supervisor", "admin"),
                   csrf=Csrf(cookie="rj_referral_staff_csrf", purpose="referral staff csrf token"))
Staff = Annotated[Principal, Depends(STAFF.principal)]
router = APIRouter(prefix="/staff", include_in_schema=False)

REFERENCE = re.compile(r"REF-\d{4}-\d{6,}")
MAX_REASON = 1000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters other than tab and line breaks (NUL among them): nobody types them."""


def mistakes(reference: str, reason: str) -> dict[str, str]:
    """What is wrong with the form, by field; empty when nothing is."""
    found = {}
    if not reference:
        found["reference"] = "Enter the referral's reference number"
    elif not REFERENCE.fullmatch(reference):
        found["reference"] = "Enter the reference number as the acknowledgement prints it, like REF-2026-000123"
    if not reason.strip():
        found["reason"] = "Enter why the links are revoked: it is kept for the audit record"
    elif len(reason) > MAX_REASON:
        found["reason"] = f"The reason must be {MAX_REASON} characters or fewer; it has {len(reason)}"
    elif CONTROL.search(reason):
        found["reason"] = "The reason must not contain control characters (such as NUL); type it again"
    return found


def form_page(request: Request, principal: Principal, values: dict[str, str],
              errors: dict[str, str] | None = None) -> HTMLResponse:
    errors = errors or {}
    summary = [{"text": text, "href": f"#{field}"} for field, text in errors.items()]
    return STAFF.render(request, "revoke_links.html", 422 if errors else 200, principal=principal,
                        form=values, field_errors=errors, errors=summary, max_reason=MAX_REASON)


@router.get("/progress-links")
async def revoke_form(request: Request, principal: Staff) -> HTMLResponse:
    return form_page(request, principal, {})


@router.post("/progress-links")
async def revoke(request: Request, principal: Staff) -> HTMLResponse:
    form = await STAFF.checked_form(request)
    values = {name: str(form.get(name) or "") for name in ("reference", "reason")}
    reference = values["reference"].strip().upper()
    if errors := mistakes(reference, values["reason"]):
        return form_page(request, principal, values, errors)
    referral_id = await referral_with_reference(service_runtime(request).pool, reference)
    if referral_id is None:
        return form_page(request, principal, values, {"reference": f"No referral has the reference {reference}:"
                                                                    " check it against the acknowledgement"})
    cause = Cause.fresh(Actor("user", principal.username, principal.role), request.state.correlation_id)
    try:
        await handle(RevokeProgressLink(referral_id, values["reason"].strip(), principal.username), cause,
                     service_dependencies(request))
    except RuleBroken as error:
        field = "reference" if isinstance(error, UnknownReferral) else error.field or "reason"
        return form_page(request, principal, values, {field: error.detail})
    return STAFF.render(request, "links_revoked.html", principal=principal, reference=reference)

"""The victim's self-referral form (/refer): start page, one form, check answers, confirmation.

Nothing is kept until the victim confirms: between pages the validated answers travel in a hidden
field, signed so that a changed value is refused. Every POST must come from our own pages: a
cross-site ``Origin`` or ``Sec-Fetch-Site`` is refused with 403, and the form's CSRF token must be
the one the service signed for the visitor's cookie (tokens.py). Personal data never goes into a
URL or a log, and no page that shows answers is cached."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.referral.domain.commands import ReceiveReferral
from services.referral.domain.errors import IdempotencyKeyReused
from services.referral.handlers import handle
from services.referral.web.form import checked, error_summary, form_values, to_values, uk_phone, validate
from services.referral.web.tokens import CSRF, csrf_ok, csrf_token, opened_answers, sign_answers
from shared.envelope import Cause
from shared.eventstore.port import Actor
from shared.web.app import service_dependencies
from shared.web.security import cross_site
from shared.web.templating import templates

router = APIRouter(prefix="/refer", include_in_schema=False)
PAGES = templates(Path(__file__).parent / "templates")
VICTIM = Actor("user", "self-referral", "victim")
REFERENCE = re.compile(r"^REF-\d{4}-\d{6}$")


# -- pages -------------------------------------------------------------------------------------
def long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


PAGES.env.filters |= {"uk_phone": uk_phone, "long_date": long_date}


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page with the CSRF cookie set and nothing cached: most pages show what the victim typed."""
    response = PAGES.TemplateResponse(request, name, {"csrf_token": csrf_token(request), **context},
                                      status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    CSRF.keep(request, response)
    return response


def form_page(request: Request, values: dict[str, Any], errors: dict[str, str] | None = None) -> HTMLResponse:
    errors = errors or {}
    return page(request, "form.html", form=values, errors=errors, error_list=error_summary(errors))


def refused(request: Request) -> HTMLResponse:
    return page(request, "refused.html", status_code=400)


def from_another_site(request: Request) -> HTMLResponse:
    return page(request, "cross_site.html", status_code=403)


@router.get("")
async def start(request: Request) -> HTMLResponse:
    return page(request, "start.html")


@router.get("/form")
async def blank_form(request: Request) -> HTMLResponse:
    return form_page(request, {})


@router.post("/form")
async def check_answers(request: Request) -> HTMLResponse:
    if cross_site(request):
        return from_another_site(request)
    form = await request.form()
    if not csrf_ok(request, form):
        return refused(request)
    values = form_values(form)
    submission, errors = validate(values)
    if submission is None:
        return form_page(request, values, errors)
    return page(request, "check.html", answers=submission, signed=sign_answers(request, submission))


@router.post("/change")
async def change_answers(request: Request) -> HTMLResponse:
    if cross_site(request):
        return from_another_site(request)
    body = opened_answers(request, await request.form())
    return form_page(request, to_values(body["answers"])) if body else refused(request)


@router.post("/confirm")
async def confirm(request: Request) -> Response:
    if cross_site(request):
        return from_another_site(request)
    body = opened_answers(request, await request.form())
    if body is None:
        return refused(request)
    submission, errors = checked(body["answers"])
    if submission is None:  # signed by us, so only a rule changed since could bring this
        return form_page(request, to_values(body["answers"]), errors)
    try:
        command = ReceiveReferral(submission, agency_id=None, idempotency_key=body["key"])
        result = await handle(command, Cause.fresh(VICTIM, request.state.correlation_id), service_dependencies(request))
    except IdempotencyKeyReused:
        return refused(request)
    return RedirectResponse(f"/refer/done?ref={result.reference}", status_code=303)


@router.get("/done")
async def done(request: Request, ref: str = "") -> Response:
    if not REFERENCE.match(ref):
        return RedirectResponse("/refer", status_code=303)
    return page(request, "done.html", reference=ref)

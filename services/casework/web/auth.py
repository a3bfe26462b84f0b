"""Signing in and out of casework with the shared sessions (``shared.identity``): the sign-in
form, its one message for every failure (it never says which half was wrong), and signing out.

Failed sign-ins are throttled per client address and per username (the identity's
``SignInThrottle``, shared with the token endpoint): once throttled, the form answers 429 with
``Retry-After`` and says how long to wait, without checking the password; the block lifts by itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.casework.web.i18n import gettext
from services.casework.web.pages import UK, checked_form, page, signed_in
from shared.identity.fastapi import (
    SESSION_COOKIE,
    clear_session_cookie,
    client_address,
    identity_of,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)
MAX_FIELD = 256


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this service only (never another site)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and len(target) < 2000:
        return target
    return "/"


def sign_in_page(request: Request, status_code: int = 200, **context) -> HTMLResponse:
    return page(request, "login.html", status_code, next=safe_next(request.query_params.get("next")), **context)


@router.get("/login")
async def login_form(request: Request) -> Response:
    if await signed_in(request):
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return sign_in_page(request, signed_out=request.query_params.get("signed_out") == "1")


@router.post("/login")
async def login(request: Request) -> Response:
    form = await checked_form(request)
    username, password = (str(form.get(name) or "")[:MAX_FIELD] for name in ("username", "password"))
    identity, address = identity_of(request), client_address(request)
    throttle = identity.throttle
    if throttle is not None and (wait := throttle.retry_after(address, username)) is not None:
        again = (datetime.now(UK) + timedelta(seconds=wait + 59)).strftime("%H:%M")  # the next whole minute
        message = gettext("There have been too many failed attempts to sign in. You can try again at %(time)s.",
                          time=again)
        response = sign_in_page(request, 429, username=username, errors=[{"text": message, "href": "#username"}])
        response.headers["Retry-After"] = str(wait)
        return response
    account = await identity.accounts.verify_password(username, password) if username and password else None
    if account is None:
        if throttle is not None:
            throttle.failed(address, username)
        # One message for every reason (unknown name, wrong password, disabled account).
        message = gettext("Enter a correct username and password")
        return sign_in_page(request, 401, username=username,
                            errors=[{"text": message, "href": "#username"}])
    session = await identity.sessions.create_session(account.username)
    response = RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)
    set_session_cookie(request, response, session, identity.sessions)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await checked_form(request)
    if cookie := request.cookies.get(SESSION_COOKIE):
        await identity_of(request).sessions.revoke_session(cookie)
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    clear_session_cookie(response)
    return response

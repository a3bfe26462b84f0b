"""Signing in and out of a service's pages with the shared sessions (``shared.identity``): the
sign-in form, its one message for every failure (it never says which half was wrong), and signing
out. Each service mounts :func:`signin_router` with its own page, form check and words.

Failed sign-ins are throttled per client address and per username (the identity's
``SignInThrottle``, shared with the token endpoint): once throttled, the form answers 429 with
``Retry-After`` and says how long to wait, without checking the password; the block lifts by itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from shared.identity.fastapi import (
    SESSION_COOKIE,
    clear_session_cookie,
    client_address,
    identity_of,
    set_session_cookie,
)
from shared.identity.tokens import Principal
from shared.workingdays import LONDON

MAX_FIELD = 256
"""Characters of a username or password read from the form (longer ones are cut, then refused)."""


class Render(Protocol):
    """Answers the service's sign-in page: ``render(request, status_code, **context)``."""

    def __call__(self, request: Request, status_code: int, /, **context: Any) -> Response: ...


CheckForm = Callable[[Request], Awaitable[FormData]]


def plain(message: str, **values: object) -> str:
    """No catalogue: ``message`` as it is, its ``%(name)s`` placeholders filled from ``values``."""
    return message % values if values else message


def safe_next(target: str | None, home: str = "/") -> str:
    """Where to go after signing in: a path on this service only (never another site), else ``home``."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and len(target) < 2000:
        return target
    return home


async def signed_in(request: Request) -> Principal | None:
    """Who the session cookie signs in (pages use only the session, never a bearer token)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    return await identity_of(request).sessions.read_session(cookie) if cookie else None


def signin_router(render: Render, check_form: CheckForm, *, gettext: Callable[..., str] = plain,
                  home: str = "/") -> APIRouter:
    """``GET``/``POST /login`` and ``POST /logout`` for a service's pages.

    ``render(request, status_code, **context)`` answers the sign-in page; its context is ``next``
    (a safe path) and, as the case may be, ``username``, ``errors`` (the GOV.UK error summary's
    list) or ``signed_out``. ``check_form(request)`` gives the posted form, or raises when it did
    not come from the service's own page (CSRF). ``gettext`` translates the page's two messages;
    ``home`` is where someone goes when no ``next`` is given."""
    router = APIRouter(include_in_schema=False)

    def sign_in_page(request: Request, status_code: int, target: str | None, **context: Any) -> Response:
        return render(request, status_code, next=safe_next(target, home), **context)

    @router.get("/login")
    async def login_form(request: Request) -> Response:
        target = request.query_params.get("next")
        if await signed_in(request):
            return RedirectResponse(safe_next(target, home), status_code=303)
        return sign_in_page(request, 200, target, signed_out=request.query_params.get("signed_out") == "1")

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await check_form(request)
        username, password = (str(form.get(name) or "")[:MAX_FIELD] for name in ("username", "password"))
        target = str(form.get("next") or "")
        identity, address = identity_of(request), client_address(request)
        throttle = identity.throttle
        if throttle is not None and (wait := throttle.retry_after(address, username)) is not None:
            again = (datetime.now(LONDON) + timedelta(seconds=wait + 59)).strftime("%H:%M")  # the next whole minute
            message = gettext("There have been too many failed attempts to sign in. You can try again at %(time)s.",
                              time=again)
            response = sign_in_page(request, 429, target, username=username,
                                    errors=[{"text": message, "href": "#username"}])
            response.headers["Retry-After"] = str(wait)
            return response
        account = await identity.accounts.verify_password(username, password) if username and password else None
        if account is None:
            if throttle is not None:
                throttle.failed(address, username)
            # One message for every reason (unknown name, wrong password, disabled account).
            message = gettext("Enter a correct username and password")
            return sign_in_page(request, 401, target, username=username,
                                errors=[{"text": message, "href": "#username"}])
        session = await identity.sessions.create_session(account.username)
        response = RedirectResponse(safe_next(target, home), status_code=303)
        set_session_cookie(request, response, session, identity.sessions)
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        await check_form(request)
        if cookie := request.cookies.get(SESSION_COOKIE):
            await identity_of(request).sessions.revoke_session(cookie)
        response = RedirectResponse("/login?signed_out=1", status_code=303)
        clear_session_cookie(response)
        return response

    return router

"""Pages for signed-in staff in a service whose other doors are public pages or an API: templates
over the shared staff layout (``staff_layout.html``), deny by default (only the roles given; someone
not signed in is sent to sign in, then back), the CSRF check of every form, and the sign-in pages
themselves (``shared.web.signin``). Plain English: these services have no catalogue of words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from shared.identity.tokens import Principal
from shared.web.csrf import Csrf
from shared.web.security import cross_site
from shared.web.signin import signed_in, signin_router
from shared.web.templating import templates
from shared.workingdays import LONDON


class SignInNeeded(Exception):
    """A staff page asked for by someone not signed in: they are sent to sign in, then back."""


class NotAllowed(Exception):
    """Signed in, but in none of the roles the pages are for."""

    def __init__(self, principal: Principal):
        self.principal = principal


class FormRefused(Exception):
    """A form from another site (403), or without the token the service made for the visitor (400)."""

    def __init__(self, status_code: int):
        self.status_code = status_code


def uk_time(value: datetime) -> str:
    """A moment as UK time, to the second: ``1 October 2026, 14:00:05`` (the pages' ``uk_time`` filter)."""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y, %H:%M:%S}"


def _plural(roles: Sequence[str]) -> str:
    """``supervisors and admins``."""
    names = [f"{role}s" for role in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class StaffPages:
    """One service's staff pages: ``folder`` holds its templates (they extend ``staff_layout.html``),
    ``service`` names it in the header, ``home`` is its first page, ``sections`` its sub-navigation
    (path, words); only people in ``roles`` may use them; ``csrf`` protects their forms."""

    def __init__(self, folder: Path, *, service: str, home: str, roles: Sequence[str], csrf: Csrf,
                 sections: Sequence[tuple[str, str]] = ()):
        if not roles:
            raise ValueError("roles: give at least one role the pages are for")
        self.home, self.roles, self.csrf = home, tuple(roles), csrf
        self.templates = templates(folder)
        self.templates.env.filters["uk_time"] = uk_time
        self.templates.env.globals |= {"serviceName": service, "serviceUrl": home, "staff_sections": tuple(sections)}

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """A page with its CSRF token and cookie; ``principal`` (when signed in) shows in the header."""
        response = self.templates.TemplateResponse(
            request, name, {"csrf_token": self.csrf.token(request), **context}, status_code=status_code)
        self.csrf.keep(request, response)
        return response

    async def principal(self, request: Request) -> Principal:
        """The signed-in person, if their role is one the pages are for (a FastAPI dependency)."""
        principal = await signed_in(request)
        if principal is None:
            raise SignInNeeded
        if principal.role not in self.roles:
            raise NotAllowed(principal)
        return principal

    async def checked_form(self, request: Request) -> FormData:
        """The posted form, if it came from one of the service's pages with its CSRF token; else refused."""
        if cross_site(request):
            raise FormRefused(403)
        form = await request.form()
        if not self.csrf.ok(request, form):
            raise FormRefused(400)
        return form

    def signin_router(self) -> APIRouter:
        """``/login`` and ``/logout``, with the shared sign-in page."""
        def sign_in_page(request: Request, status_code: int, /, **context: Any) -> Response:
            return self.render(request, "staff_sign_in.html", status_code, **context)

        return signin_router(sign_in_page, self.checked_form, home=self.home)

    def install(self, app: FastAPI) -> None:
        """Answer the pages' own exceptions as pages: sign in first, not allowed, form refused."""

        async def sign_in_first(request: Request, _: Exception) -> Response:
            back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(back, safe='')}", status_code=303)

        async def not_allowed(request: Request, error: Exception) -> Response:
            assert isinstance(error, NotAllowed)
            return self.render(request, "staff_error.html", 403, principal=error.principal,
                               title="You cannot use these pages",
                               message=f"These pages are for {_plural(self.roles)}.")

        async def refused(request: Request, error: Exception) -> Response:
            assert isinstance(error, FormRefused)
            message = ("The form did not come from this service." if error.status_code == 403 else
                       "The form had expired. Go back, reload the page and send it again.")
            return self.render(request, "staff_error.html", error.status_code, principal=await signed_in(request),
                               title="Your form was not sent", message=message, home_link=True)

        app.add_exception_handler(SignInNeeded, sign_in_first)
        app.add_exception_handler(NotAllowed, not_allowed)
        app.add_exception_handler(FormRefused, refused)

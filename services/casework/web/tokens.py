"""CSRF protection of every casework form (DESIGN D10): a random visitor id in a cookie, and in
each form an HMAC of that id under a key only the service has (derived from the KEK for this one
purpose). A page made up elsewhere cannot carry a token matching a cookie, even if its author
could set the cookie too; the same-origin check (``shared.web.security.cross_site``) comes first.
The cookie is made before sign-in, so the sign-in form is protected as well."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from fastapi import Request, Response
from starlette.datastructures import FormData

from shared.crypto.derive import purpose_key
from shared.web.app import service_runtime

CSRF_COOKIE = "rj_casework_csrf"
VISITOR = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _visitor(request: Request) -> str:
    """The visitor's id: the one in their cookie, or a new one (the same for the whole request)."""
    known = getattr(request.state, "casework_visitor", None)
    if known is None:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        known = request.state.casework_visitor = cookie if VISITOR.match(cookie) else secrets.token_urlsafe(32)
    return known


def _token_for(request: Request, visitor: str) -> bytes:
    key = purpose_key(service_runtime(request).settings.kek(), "casework csrf token")
    return base64.urlsafe_b64encode(hmac.new(key, visitor.encode(), hashlib.sha256).digest()).rstrip(b"=")


def csrf_token(request: Request) -> str:
    """The token every form on the page carries: bound to the visitor's cookie and our key."""
    return _token_for(request, _visitor(request)).decode()


def keep_visitor(request: Request, response: Response) -> None:
    """Set (or renew) the visitor cookie the page's tokens were made for."""
    response.set_cookie(CSRF_COOKIE, _visitor(request), path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def csrf_ok(request: Request, form: FormData) -> bool:
    """True if the form's token is the one the service made for the visitor's cookie."""
    cookie, field = request.cookies.get(CSRF_COOKIE, ""), str(form.get("csrf_token") or "")
    return bool(VISITOR.match(cookie)) and hmac.compare_digest(_token_for(request, cookie),
                                                               field.encode(errors="replace"))

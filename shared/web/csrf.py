"""CSRF protection of a service's forms (DESIGN D10): a random visitor id in a cookie, and in each
form an HMAC of that id under a key only the service has (derived from the KEK for one purpose).

A page made up elsewhere cannot carry a token matching a cookie, even if its author could set the
cookie too: a cookie/token pair is accepted only if the service made it. The same-origin check
(:func:`shared.web.security.cross_site`) comes first. The cookie is made before anyone signs in,
so a sign-in form is protected as well. Each set of forms has its own cookie and purpose, so a
token made for one is refused by another (services on one host share its cookies)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.datastructures import FormData

from shared.crypto.derive import purpose_key
from shared.web.app import service_runtime

VISITOR = re.compile(r"^[A-Za-z0-9_-]{43}$")
FIELD = "csrf_token"
"""The form field every protected form carries its token in."""


@dataclass(frozen=True)
class Csrf:
    """The tokens of one set of forms: the visitor cookie's name, the purpose its key is derived
    for, and the path the cookie is sent to. The key derives from the service's KEK, or from its
    sign-in key (``RJ_IDENTITY_KEY``) when it has no key access."""

    cookie: str
    purpose: str
    path: str = "/"

    def visitor(self, request: Request) -> str:
        """The visitor's id: the one in their cookie, or a new one (the same for the whole request)."""
        known: dict[str, str] | None = getattr(request.state, "csrf_visitors", None)
        if known is None:
            known = request.state.csrf_visitors = {}
        if self.cookie not in known:
            cookie = request.cookies.get(self.cookie, "")
            known[self.cookie] = cookie if VISITOR.match(cookie) else secrets.token_urlsafe(32)
        return known[self.cookie]

    def _token_for(self, request: Request, visitor: str) -> bytes:
        settings = service_runtime(request).settings
        # A service without key access (reporting) has no KEK: its sign-in key stands in for it.
        key = purpose_key(settings.kek() or settings.identity_signing_key(), self.purpose)
        return base64.urlsafe_b64encode(hmac.new(key, visitor.encode(), hashlib.sha256).digest()).rstrip(b"=")

    def token(self, request: Request) -> str:
        """The token every form on the page carries: bound to the visitor's cookie and our key."""
        return self._token_for(request, self.visitor(request)).decode()

    def keep(self, request: Request, response: Response) -> None:
        """Set (or renew) the visitor cookie the page's tokens were made for."""
        response.set_cookie(self.cookie, self.visitor(request), path=self.path, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")

    def ok(self, request: Request, form: FormData) -> bool:
        """True if the form's token is the one the service made for the visitor's cookie."""
        cookie, field = request.cookies.get(self.cookie, ""), str(form.get(FIELD) or "")
        return bool(VISITOR.match(cookie)) and hmac.compare_digest(self._token_for(request, cookie),
                                                                   field.encode(errors="replace"))

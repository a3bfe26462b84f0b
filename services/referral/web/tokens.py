"""The self-referral form's tokens: the CSRF token bound to the visitor, and the signed answers
that carry what the victim typed between pages without keeping it on the server.

The CSRF cookie holds a random visitor id; the token in every form is an HMAC of that id under a
key only the service has (derived from the KEK for this one purpose). A page made up elsewhere
cannot carry a token that matches a cookie, even if its author could set the cookie too: a
cookie/token pair is accepted only if the service made it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData

from services.referral.domain.submission import ReferralSubmission
from shared.crypto.derive import purpose_key
from shared.web.app import service_runtime

CSRF_COOKIE = "rj_refer_csrf"
VISITOR = re.compile(r"^[A-Za-z0-9_-]{43}$")
ANSWERS_LIFETIME = 6 * 3600  # seconds a check-your-answers page stays usable


def _key(request: Request, purpose: str) -> bytes:
    # A key of its own for each purpose, so the KEK itself never signs anything.
    return purpose_key(service_runtime(request).settings.kek(), purpose)


def visitor(request: Request) -> str:
    """The visitor's id: the one in their cookie, or a new one (the same for the whole request)."""
    known = getattr(request.state, "refer_visitor", None)
    if known is None:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        known = request.state.refer_visitor = cookie if VISITOR.match(cookie) else secrets.token_urlsafe(32)
    return known


def _token_for(request: Request, visitor_id: str) -> bytes:
    mac = hmac.new(_key(request, "self-referral csrf token"), visitor_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=")


def csrf_token(request: Request) -> str:
    """The token every form on the visitor's pages carries: bound to their id and to our key."""
    return _token_for(request, visitor(request)).decode()


def csrf_ok(request: Request, form: FormData) -> bool:
    """True if the form's token is the one the service made for the visitor's cookie."""
    cookie, field = request.cookies.get(CSRF_COOKIE, ""), str(form.get("csrf_token") or "")
    return bool(VISITOR.match(cookie)) and hmac.compare_digest(_token_for(request, cookie),
                                                               field.encode(errors="replace"))


def _signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_key(request, "self-referral signed answers"), salt="self-referral answers")


def sign_answers(request: Request, submission: ReferralSubmission) -> str:
    """The validated answers, with a fresh idempotency key and the visitor's id, signed."""
    body = {"answers": submission.model_dump(mode="json"), "key": secrets.token_urlsafe(24),
            "csrf": visitor(request)}
    return _signer(request).dumps(body)


def opened_answers(request: Request, form: FormData) -> dict | None:
    """The signed answers sent back with the form, or None if the signature, the CSRF token, the
    visitor or the age is wrong."""
    if not csrf_ok(request, form):
        return None
    try:
        body = _signer(request).loads(str(form.get("answers") or ""), max_age=ANSWERS_LIFETIME)
    except BadSignature:  # includes SignatureExpired
        return None
    signed_for = str(body.get("csrf", "")) if isinstance(body, dict) else ""
    return body if hmac.compare_digest(signed_for.encode(), request.cookies[CSRF_COOKIE].encode()) else None

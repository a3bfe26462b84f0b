"""The self-referral form's tokens: the CSRF double-submit cookie and the signed answers that
carry what the victim typed between pages without keeping it on the server."""

from __future__ import annotations

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
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
ANSWERS_LIFETIME = 6 * 3600  # seconds a check-your-answers page stays usable


def csrf_token(request: Request) -> str:
    token = request.cookies.get(CSRF_COOKIE, "")
    return token if TOKEN.match(token) else secrets.token_urlsafe(32)


def csrf_ok(request: Request, form: FormData) -> bool:
    cookie, field = request.cookies.get(CSRF_COOKIE, ""), str(form.get("csrf_token") or "")
    return bool(TOKEN.match(cookie)) and hmac.compare_digest(cookie, field)


def _signer(request: Request) -> URLSafeTimedSerializer:
    # A key of its own for this one purpose, so the KEK itself never signs anything.
    key = purpose_key(service_runtime(request).settings.kek(), "self-referral signed answers")
    return URLSafeTimedSerializer(key, salt="self-referral answers")


def sign_answers(request: Request, submission: ReferralSubmission) -> str:
    """The validated answers, with a fresh idempotency key and the page's CSRF token, signed."""
    body = {"answers": submission.model_dump(mode="json"), "key": secrets.token_urlsafe(24),
            "csrf": csrf_token(request)}
    return _signer(request).dumps(body)


def opened_answers(request: Request, form: FormData) -> dict | None:
    """The signed answers sent back with the form, or None if the signature, the CSRF token or
    the age is wrong."""
    if not csrf_ok(request, form):
        return None
    try:
        body = _signer(request).loads(str(form.get("answers") or ""), max_age=ANSWERS_LIFETIME)
    except BadSignature:  # includes SignatureExpired
        return None
    return body if hmac.compare_digest(body["csrf"], request.cookies[CSRF_COOKIE]) else None

"""The self-referral form's tokens: the CSRF token bound to the visitor (``shared.web.csrf``, with
the form's own cookie and key), and the signed answers that carry what the victim typed between
pages without keeping it on the server."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData

from services.referral.domain.submission import ReferralSubmission
from shared.crypto.derive import purpose_key
from shared.web.app import service_runtime
from shared.web.csrf import Csrf

CSRF_COOKIE = "rj_refer_csrf"
CSRF = Csrf(cookie=CSRF_COOKIE, purpose="self-referral csrf token", path="/refer")
visitor, csrf_token, csrf_ok = CSRF.visitor, CSRF.token, CSRF.ok
ANSWERS_LIFETIME = 6 * 3600  # seconds a check-your-answers page stays usable


def _key(request: Request, purpose: str) -> bytes:
    # A key of its own for each purpose, so the KEK itself never signs anything.
    return purpose_key(service_runtime(request).settings.kek(), purpose)


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

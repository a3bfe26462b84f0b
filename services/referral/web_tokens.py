"""The self-referral form's tokens: the CSRF double-submit cookie and the signed answers that
carry what the victim typed between pages without keeping it on the server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Request
from starlette.datastructures import FormData

from services.referral.dependencies import runtime
from services.referral.intake import ReferralSubmission

CSRF_COOKIE = "rj_refer_csrf"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
ANSWERS_LIFETIME = 6 * 3600  # seconds a check-your-answers page stays usable


def csrf_token(request: Request) -> str:
    token = request.cookies.get(CSRF_COOKIE, "")
    return token if TOKEN.match(token) else secrets.token_urlsafe(32)


def csrf_ok(request: Request, form: FormData) -> bool:
    cookie, field = request.cookies.get(CSRF_COOKIE, ""), str(form.get("csrf_token") or "")
    return bool(TOKEN.match(cookie)) and hmac.compare_digest(cookie, field)


def _answers_key(request: Request) -> bytes:
    # A key of its own for this one purpose, so the KEK itself never signs anything.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"rj self-referral signed answers").derive(runtime(request).settings.kek())


def sign_answers(request: Request, submission: ReferralSubmission) -> str:
    body = {"answers": submission.model_dump(mode="json"), "key": secrets.token_urlsafe(24),
            "csrf": csrf_token(request), "at": int(time.time())}
    raw = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()
    return f"{raw}.{hmac.new(_answers_key(request), raw.encode(), hashlib.sha256).hexdigest()}"


def opened_answers(request: Request, form: FormData) -> dict | None:
    """The signed answers sent back with the form, or None if the signature, the CSRF token or
    the age is wrong."""
    raw, _, mac = str(form.get("answers") or "").rpartition(".")
    expected = hmac.new(_answers_key(request), raw.encode(), hashlib.sha256).hexdigest()
    if not csrf_ok(request, form) or not hmac.compare_digest(mac, expected):
        return None
    body = json.loads(base64.urlsafe_b64decode(raw))
    fresh = time.time() - body["at"] < ANSWERS_LIFETIME
    return body if fresh and hmac.compare_digest(body["csrf"], request.cookies[CSRF_COOKIE]) else None

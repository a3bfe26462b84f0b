"""Partner agencies authenticate with a bearer key; each route needs a scope (deny by default).

Failed attempts are throttled per client address: after ``key_failure_limit`` wrong or missing
keys within ``key_failure_window_seconds``, further requests without a valid key get a 429 with
``Retry-After``. A valid key is always checked and always works, so no one is locked out by
other people's failures from the same address."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.referral.adapters import agencies
from shared.web.app import service_runtime
from shared.web.problems import Problem
from shared.web.throttle import FailureThrottle

bearer = HTTPBearer(auto_error=False, description="The agency's API key, from `rj agency add`")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="rj-referral"'}


def key_failures(request: Request) -> FailureThrottle:
    """The app's throttle of failed key attempts, made on first use from the service's settings."""
    state = request.app.state
    throttle = getattr(state, "key_failures", None)
    if throttle is None:
        settings = service_runtime(request).settings
        throttle = state.key_failures = FailureThrottle(settings.key_failure_limit,
                                                        settings.key_failure_window_seconds)
    return throttle


def client_address(request: Request) -> str:
    """The caller's address as the server saw it (uvicorn takes it from X-Forwarded-For only when
    the proxy is trusted, ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def require_scope(scope: str):
    """A dependency that yields the calling agency, or answers 401/403/429 as problem+json."""

    async def agency(request: Request) -> agencies.Agency:
        credentials: HTTPAuthorizationCredentials | None = await bearer(request)
        found = None
        if credentials is not None:
            found = await agencies.authenticate(service_runtime(request).pool, credentials.credentials)
        if found is None:
            throttle, client = key_failures(request), client_address(request)
            if (wait := throttle.retry_after(client)) is not None:
                raise Problem(429, "Too many failed attempts",
                              f"too many requests with a missing or wrong key came from your address;"
                              f" try again in {wait} seconds", headers={"Retry-After": str(wait)},
                              kind="too-many-failed-attempts")
            throttle.failed(client)
            if credentials is None:
                raise Problem(401, "Unauthorised", "send your agency key as 'Authorization: Bearer <key>'",
                              headers=CHALLENGE, kind="unauthorised")
            raise Problem(401, "Unauthorised", "this key is unknown or has been revoked", headers=CHALLENGE,
                          kind="unauthorised")
        if scope not in found.scopes:
            raise Problem(403, "Forbidden", f"this key lacks the scope '{scope}'", kind="forbidden")
        return found

    return agency


WritesReferrals = Annotated[agencies.Agency, Depends(require_scope("referrals:write"))]
ReadsReferrals = Annotated[agencies.Agency, Depends(require_scope("referrals:read"))]
WritesEvents = Annotated[agencies.Agency, Depends(require_scope("events:write"))]

"""Partner agencies authenticate with a bearer key; each route needs a scope (deny by default)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.referral.adapters import agencies
from shared.web.app import service_runtime
from shared.web.problems import Problem

bearer = HTTPBearer(auto_error=False, description="The agency's API key, from `rj agency add`")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="rj-referral"'}


def require_scope(scope: str):
    """A dependency that yields the calling agency, or answers 401/403 as problem+json."""

    async def agency(request: Request) -> agencies.Agency:
        credentials: HTTPAuthorizationCredentials | None = await bearer(request)
        if credentials is None:
            raise Problem(401, "Unauthorised", "send your agency key as 'Authorization: Bearer <key>'",
                          headers=CHALLENGE, kind="unauthorised")
        found = await agencies.authenticate(service_runtime(request).pool, credentials.credentials)
        if found is None:
            raise Problem(401, "Unauthorised", "this key is unknown or has been revoked", headers=CHALLENGE,
                          kind="unauthorised")
        if scope not in found.scopes:
            raise Problem(403, "Forbidden", f"this key lacks the scope '{scope}'", kind="forbidden")
        return found

    return agency


WritesReferrals = Annotated[agencies.Agency, Depends(require_scope("referrals:write"))]
ReadsReferrals = Annotated[agencies.Agency, Depends(require_scope("referrals:read"))]
WritesEvents = Annotated[agencies.Agency, Depends(require_scope("events:write"))]

"""Signing people in, for a service's FastAPI app: who a request acts for, role checks and the
token endpoint. Deny by default (DESIGN D10): a route without a principal answers 401.

A service makes an :class:`Identity` at start-up and puts it where :func:`identity_of` finds it:
``app.state.identity``, or an ``identity`` attribute of what its bootstrap built.

Failed sign-ins are throttled (:class:`SignInThrottle`) per client address and per username, by
the token endpoint and by any sign-in page that uses :meth:`SignInThrottle.retry_after`: a
throttled attempt is answered 429 with ``Retry-After`` before the password is even checked (else a
guesser would still learn when a guess was right). The blocks lift as the failures leave their
window, so nobody is locked out for good.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Literal

import asyncpg
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from shared.identity.accounts import ROLES, Accounts
from shared.identity.passwords import MAX_LENGTH, Passwords
from shared.identity.sessions import SessionStore
from shared.identity.tokens import TOKEN_TTL, Principal, TokenError, active_principal, issue_token
from shared.web.problems import PROBLEM_JSON, Problem
from shared.web.throttle import FailureThrottle

SESSION_COOKIE = "rj_session"


ADDRESS_LIMIT, ADDRESS_WINDOW = 10, 60.0
"""Failed sign-ins from one address: ten a minute."""
USERNAME_LIMIT, USERNAME_WINDOW = 30, 900.0
"""Failed sign-ins for one username, from anywhere: thirty in fifteen minutes. Higher than an
address's, so that one address's guesses are stopped by its own block long before the username's
(the right person, elsewhere, still signs in); many addresses guessing one password are stopped
here, for the window only."""


@dataclass(frozen=True)
class SignInThrottle:
    """Failed sign-ins counted per client address and per username (in memory, bounded: see
    :class:`shared.web.throttle.FailureThrottle`)."""

    by_address: FailureThrottle = field(default_factory=lambda: FailureThrottle(ADDRESS_LIMIT, ADDRESS_WINDOW))
    by_username: FailureThrottle = field(default_factory=lambda: FailureThrottle(USERNAME_LIMIT, USERNAME_WINDOW))

    @staticmethod
    def _username(username: str) -> str:
        return username.strip().casefold()  # usernames are found in any case (Accounts)

    def retry_after(self, address: str, username: str) -> int | None:
        """Whole seconds until a sign-in from ``address`` as ``username`` may be tried, or None."""
        waits = [self.by_address.retry_after(address)]
        if self._username(username):
            waits.append(self.by_username.retry_after(self._username(username)))
        found = [wait for wait in waits if wait is not None]
        return max(found) if found else None

    def failed(self, address: str, username: str) -> None:
        """Record one failed sign-in (a wrong password, an unknown or disabled account, a blank)."""
        self.by_address.failed(address)
        if self._username(username):
            self.by_username.failed(self._username(username))


@dataclass(frozen=True)
class Identity:
    """Accounts, sessions and the signing secret one app uses; ``throttle`` (when given) holds
    back repeated failed sign-ins."""

    accounts: Accounts
    sessions: SessionStore
    secret: bytes
    token_ttl: timedelta = TOKEN_TTL
    throttle: SignInThrottle | None = None

    @classmethod
    def on(cls, pool: asyncpg.Pool, secret: bytes, *, passwords: Passwords | None = None,
           throttle: SignInThrottle | None = None) -> Identity:
        """Everything on one pool; ``secret`` from :func:`shared.identity.tokens.identity_secret`;
        failed sign-ins throttled (by a new :class:`SignInThrottle` unless one is given)."""
        return cls(Accounts(pool, passwords), SessionStore(pool, secret), secret,
                   throttle=throttle or SignInThrottle())


def client_address(request: Request) -> str:
    """The caller's address as the server saw it (uvicorn takes it from X-Forwarded-For only when
    the proxy is trusted, ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def identity_of(request: Request) -> Identity:
    """The app's :class:`Identity`; a RuntimeError (a 500, logged) if the app was not given one."""
    state = request.app.state
    found = getattr(state, "identity", None) or getattr(getattr(state, "dependencies", None), "identity", None)
    if not isinstance(found, Identity):
        raise RuntimeError("no Identity: set app.state.identity, or give the bootstrap's result an identity")
    return found


def _unauthorised(detail: str, *, error: str | None = None) -> Problem:
    challenge = 'Bearer realm="rj"' + (f', error="{error}"' if error else "")
    return Problem(401, "Sign in needed", detail, headers={"WWW-Authenticate": challenge}, kind="unauthorised")


async def current_principal(request: Request) -> Principal:
    """Who the request acts for: ``Authorization: Bearer <token>`` or the session cookie. A 401
    problem otherwise; a bad bearer token is refused, never passed over for the cookie."""
    identity = identity_of(request)
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorised("Authorization must be 'Bearer <token>'", error="invalid_request")
        try:
            return await active_principal(identity.accounts, token.strip(), identity.secret)
        except TokenError as error:
            raise _unauthorised(str(error), error="invalid_token") from None
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and (principal := await identity.sessions.read_session(cookie)):
        return principal
    raise _unauthorised("sign in, or send 'Authorization: Bearer <token>' from POST /api/v1/auth/token")


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_role(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency answering 403 unless the principal has one of ``roles`` (401 if nobody)."""
    unknown = [role for role in roles if role not in ROLES]
    if not roles or unknown:
        raise ValueError(f"roles: {unknown or 'none'} given; allowed: {', '.join(ROLES)}")

    async def principal_in_role(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Problem(403, "Not allowed", f"this needs the role {' or '.join(roles)};"
                          f" you are signed in as {principal.role}", kind="forbidden")
        return principal

    return principal_in_role


def set_session_cookie(request: Request, response: Response, value: str, sessions: SessionStore) -> None:
    """Put a session cookie from :meth:`SessionStore.create_session` on ``response``."""
    # Lax, not Strict: a link from an email must land signed in; forms carry their own CSRF check.
    response.set_cookie(SESSION_COOKIE, value, max_age=int(sessions.absolute.total_seconds()), path="/",
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")


def clear_session_cookie(response: Response) -> None:
    """Remove the session cookie (after :meth:`SessionStore.revoke_session`)."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=256)
    password: str = Field(min_length=1, max_length=MAX_LENGTH)


class TokenAnswer(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds until the token expires")


def auth_router() -> APIRouter:
    """``POST /api/v1/auth/token``: a username and password for a short-lived bearer token."""
    router = APIRouter(prefix="/api/v1/auth", tags=["sign-in"])

    problem = {PROBLEM_JSON: {}}
    responses = {
        400: {"description": "the body is not JSON", "content": problem},
        401: {"description": "the username or password is wrong, or the account is disabled", "content": problem},
        413: {"description": "the body is too large", "content": problem},
        422: {"description": "a field is missing or invalid, each named", "content": problem},
        429: {"description": "too many failed sign-ins: wait for Retry-After", "content": problem,
              "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}},
    }

    @router.post("/token", responses=responses)
    async def token(body: TokenRequest, request: Request) -> TokenAnswer:
        identity, address = identity_of(request), client_address(request)
        throttle = identity.throttle
        if throttle is not None and (wait := throttle.retry_after(address, body.username)) is not None:
            raise Problem(429, "Too many failed sign-ins",
                          f"too many failed sign-ins came from your address or for this username;"
                          f" try again in {wait} seconds", headers={"Retry-After": str(wait)},
                          kind="too-many-failed-attempts")
        account = await identity.accounts.verify_password(body.username, body.password)
        if account is None:  # one answer for every reason, so it tells nobody which half was wrong
            if throttle is not None:
                throttle.failed(address, body.username)
            raise Problem(401, "Sign-in refused", "the username or password is wrong, or the account is disabled",
                          headers={"WWW-Authenticate": 'Bearer realm="rj"'}, kind="sign-in-refused")
        return TokenAnswer(access_token=issue_token(account, identity.secret, identity.token_ttl),
                           expires_in=int(identity.token_ttl.total_seconds()))

    return router

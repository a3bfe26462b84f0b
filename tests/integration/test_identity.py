"""People's accounts, sessions and tokens on real PostgreSQL, and the token endpoint in an app."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import Depends, FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.db import create_pool
from shared.identity.accounts import AccountError, Accounts, UsernameTaken
from shared.identity.fastapi import (
    SESSION_COOKIE,
    CurrentPrincipal,
    Identity,
    SignInThrottle,
    auth_router,
    require_role,
)
from shared.identity.passwords import Passwords
from shared.identity.sessions import SessionStore
from shared.identity.tokens import Principal, TokenInvalid, active_principal, identity_secret, issue_token
from shared.web import problems
from shared.web.throttle import FailureThrottle

SECRET = identity_secret(bytes(range(32)))
PASSWORD = "correct horse battery staple"
PROBLEM = "application/problem+json"
NOON = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def cheap(time_cost: int = 1) -> Passwords:
    """argon2id at its smallest, so tests spend their time on behaviour rather than on hashing."""
    return Passwords(PasswordHasher(time_cost=time_cost, memory_cost=8, parallelism=1))


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
async def pool(fresh_database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(fresh_database_url, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
async def accounts(pool) -> Accounts:
    accounts = Accounts(pool, cheap())
    await accounts.migrate()
    await accounts.add("Alice.Smith", PASSWORD, role="facilitator", level="advanced", display_name="Alice Smith")
    await accounts.add("audrey", PASSWORD, role="auditor")
    return accounts


# -- accounts ------------------------------------------------------------------------------------
async def test_an_account_is_found_in_any_case_and_listed(accounts):
    alice = await accounts.get("alice.smith")
    assert (alice.username, alice.role, alice.level, alice.display_name) == ("Alice.Smith", "facilitator",
                                                                              "advanced", "Alice Smith")
    assert alice.enabled and alice.disabled_at is None and alice.created_at
    assert [a.username for a in await accounts.list()] == ["Alice.Smith", "audrey"]
    assert (await accounts.get("audrey")).display_name == "audrey"  # the username when no name is given
    assert "hash" not in repr(alice)
    assert await accounts.get("nobody") is None and await accounts.get("\x00\ud800") is None


async def test_a_username_taken_in_another_case_is_refused(accounts):
    with pytest.raises(UsernameTaken, match=r"username: 'ALICE.SMITH' is taken .*whatever their case"):
        await accounts.add("ALICE.SMITH", PASSWORD, role="admin")


@pytest.mark.parametrize(("fields", "message"), [
    ({"username": "al"}, r"username: 'al' is not allowed; use 3 to 64 of the letters"),
    ({"username": "x" * 65}, "username: .* is not allowed"),
    ({"username": "\u0430dmin"}, "username: .* is not allowed"),  # "admin" with a Cyrillic a
    ({"username": "bob smith"}, "username: .* is not allowed"),
    ({"role": "partner"}, r"role: 'partner' is not a role; allowed: facilitator, supervisor, auditor"),
    ({"role": "supervisor", "level": None}, r"level: a supervisor needs a practitioner level; allowed: foundation"),
    ({"level": "expert"}, r"level: 'expert' is not a practitioner level; allowed: foundation, intermediate"),
    ({"role": "commissioner", "level": "advanced"}, r"level: only a facilitator or supervisor has a practitioner"),
    ({"password": "short pass"}, r"password: has 10 characters; at least 12 are needed"),
    ({"password": "p" * 1025}, r"password: has 1025 characters; at most 1024 are allowed"),
    ({"password": "twelve chars\x00"}, r"password: contains a NUL"),
    ({"display_name": "  "}, r"display name: must be 1 to 200 printable characters"),
    ({"display_name": "Bob\x00"}, r"display name: must be 1 to 200 printable characters"),
])
async def test_an_account_that_breaks_a_rule_is_refused_naming_the_field(accounts, fields, message):
    given = {"username": "bob", "password": PASSWORD, "role": "facilitator", "level": "foundation"} | fields
    with pytest.raises(AccountError, match=message):
        await accounts.add(given.pop("username"), given.pop("password"), **given)
    assert await accounts.get("bob") is None


async def test_the_password_is_verified_and_only_for_an_enabled_account(accounts):
    assert (await accounts.verify_password("ALICE.smith", PASSWORD)).username == "Alice.Smith"
    assert await accounts.verify_password("Alice.Smith", PASSWORD + "!") is None
    assert await accounts.verify_password("nobody", PASSWORD) is None
    for odd in ("\x00", "\ud800", "a" * 5000, ""):
        assert await accounts.verify_password(odd, PASSWORD) is None
        assert await accounts.verify_password("Alice.Smith", odd) is None
    await accounts.disable("alice.smith")
    assert await accounts.verify_password("Alice.Smith", PASSWORD) is None
    assert (await accounts.get("Alice.Smith")).disabled_at is not None
    await accounts.enable("Alice.Smith")
    assert await accounts.verify_password("Alice.Smith", PASSWORD) is not None
    assert await accounts.disable("nobody") is None and await accounts.enable("nobody") is None


async def test_an_unknown_user_costs_a_hash_too(pool):
    class Counting(PasswordHasher):
        verified = 0

        def verify(self, hash, password):
            Counting.verified += 1
            return super().verify(hash, password)

    accounts = Accounts(pool, Passwords(Counting(time_cost=1, memory_cost=8, parallelism=1)))
    await accounts.migrate()
    for username in ("nobody", "\x00"):
        assert await accounts.verify_password(username, PASSWORD) is None
    assert Counting.verified == 2


async def test_a_password_is_rehashed_at_sign_in_when_the_parameters_change(accounts, pool):
    before = await pool.fetchval("SELECT password_hash FROM identity.accounts WHERE username = 'audrey'")
    stronger = Accounts(pool, cheap(time_cost=2))
    assert await stronger.verify_password("audrey", PASSWORD) is not None
    after = await pool.fetchval("SELECT password_hash FROM identity.accounts WHERE username = 'audrey'")
    assert after != before and "t=2" in after and "t=1" in before
    assert await stronger.verify_password("audrey", PASSWORD) is not None
    assert await pool.fetchval("SELECT password_hash FROM identity.accounts WHERE username = 'audrey'") == after


# -- tokens and sessions -------------------------------------------------------------------------
async def test_a_disabled_accounts_token_stops_working_at_once(accounts):
    token = issue_token(await accounts.get("Alice.Smith"), SECRET)
    assert (await active_principal(accounts, token, SECRET)).username == "Alice.Smith"
    await accounts.disable("Alice.Smith")
    with pytest.raises(TokenInvalid, match="disabled"):
        await active_principal(accounts, token, SECRET)


async def test_a_session_reads_back_until_idle_for_thirty_minutes(accounts, pool):
    clock = Clock(NOON)
    sessions = SessionStore(pool, SECRET, clock=clock)
    cookie = await sessions.create_session("alice.SMITH")
    assert await sessions.read_session(cookie) == Principal("Alice.Smith", "facilitator", "advanced", "Alice Smith")
    clock.advance(minutes=29)
    assert await sessions.read_session(cookie) is not None  # and that request keeps it alive
    clock.advance(minutes=29)
    assert await sessions.read_session(cookie) is not None
    clock.advance(minutes=30)
    assert await sessions.read_session(cookie) is None
    row = await pool.fetchrow("SELECT * FROM identity.sessions")
    assert row["expires_at"] == NOON + timedelta(hours=12) and row["last_seen_at"] == NOON + timedelta(minutes=58)


async def test_a_session_ends_twelve_hours_after_sign_in_however_busy(accounts, pool):
    clock = Clock(NOON)
    sessions = SessionStore(pool, SECRET, clock=clock)
    cookie = await sessions.create_session("Alice.Smith")
    for _ in range(35):
        clock.advance(minutes=20)
        assert await sessions.read_session(cookie) is not None
    clock.advance(minutes=20)  # 12 hours
    assert await sessions.read_session(cookie) is None


async def test_revoking_and_disabling_end_sessions_server_side(accounts, pool):
    sessions = SessionStore(pool, SECRET)
    first, second, third = [await sessions.create_session("Alice.Smith") for _ in range(3)]
    audrey = await sessions.create_session("audrey")
    assert await sessions.revoke_session(first) is True and await sessions.revoke_session(first) is False
    assert await sessions.read_session(first) is None and await sessions.read_session(second) is not None
    assert await sessions.revoke_all_for("ALICE.SMITH") == 2
    assert await sessions.read_session(second) is None and await sessions.read_session(third) is None
    assert await sessions.read_session(audrey) is not None

    fresh = await sessions.create_session("audrey")
    await accounts.disable("audrey")
    assert await sessions.read_session(fresh) is None and await sessions.read_session(audrey) is None
    await accounts.enable("audrey")
    assert await sessions.read_session(fresh) is None  # enabling again does not bring a session back
    assert await pool.fetchval("SELECT count(*) FROM identity.sessions WHERE revoked_at IS NULL") == 0


async def test_a_forged_or_foreign_cookie_opens_no_session(accounts, pool):
    sessions = SessionStore(pool, SECRET)
    cookie = await sessions.create_session("audrey")
    others = SessionStore(pool, identity_secret(bytes(32)))
    assert await others.read_session(cookie) is None
    token = issue_token(await accounts.get("audrey"), SECRET)
    for bad in (token, cookie[:-2] + "xx", "", "\x00", "é" * 100, "a.b.c"):
        assert await sessions.read_session(bad) is None
        assert await sessions.revoke_session(bad) is False
    with pytest.raises(LookupError, match="username: no enabled account"):
        await sessions.create_session("nobody")


# -- the app -------------------------------------------------------------------------------------
def app_for(identity: Identity) -> FastAPI:
    app = FastAPI()
    problems.install(app, {})
    app.state.identity = identity
    app.include_router(auth_router())

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict:
        return {"username": principal.username, "role": principal.role}

    @app.get("/histories", dependencies=[Depends(require_role("auditor", "supervisor"))])
    async def histories() -> dict:
        return {"ok": True}

    return app


@pytest.fixture
async def client(accounts, pool) -> AsyncIterator[httpx.AsyncClient]:
    identity = Identity(accounts, SessionStore(pool, SECRET), SECRET)
    transport = httpx.ASGITransport(app=app_for(identity), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://rj.test") as client:
        client.identity = identity
        yield client


async def test_the_token_endpoint_gives_a_bearer_token_that_signs_requests_in(client):
    answer = await client.post("/api/v1/auth/token", json={"username": "audrey", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await client.get("/me", headers=bearer)).json() == {"username": "audrey", "role": "auditor"}
    assert (await client.get("/histories", headers=bearer)).status_code == 200

    await client.identity.accounts.disable("audrey")
    refused = await client.get("/me", headers=bearer)
    assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM
    assert 'error="invalid_token"' in refused.headers["www-authenticate"]


async def test_a_refused_sign_in_does_not_say_which_half_was_wrong(client):
    await client.identity.accounts.add("dora", PASSWORD, role="admin")
    await client.identity.accounts.disable("dora")
    answers = [await client.post("/api/v1/auth/token", json={"username": username, "password": password})
               for username, password in (("audrey", "wrong password!"), ("nobody", PASSWORD), ("dora", PASSWORD))]
    assert {a.status_code for a in answers} == {401}
    assert all(a.headers["content-type"] == PROBLEM and a.headers["www-authenticate"] for a in answers)
    assert len({json.dumps(a.json() | {"instance": None}) for a in answers}) == 1
    assert answers[0].json()["detail"] == "the username or password is wrong, or the account is disabled"


@pytest.mark.parametrize("body", [{}, {"username": "audrey"}, {"username": "audrey", "password": 12},
                                  {"username": "audrey", "password": PASSWORD, "extra": 1},
                                  {"username": "audrey", "password": "p" * 1025}, [], "audrey"])
async def test_a_malformed_sign_in_is_a_422_naming_the_field(client, body):
    answer = await client.post("/api/v1/auth/token", json=body)
    assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
    assert answer.json()["errors"]


async def test_pages_need_a_principal_and_the_right_role(client):
    assert (await client.get("/me")).status_code == 401
    for header in ("Bearer", "Bearer nonsense", "Basic YWxpY2U6eA==", "Bearer " + "x" * 5000):
        answer = await client.get("/me", headers={"Authorization": header})
        assert answer.status_code == 401 and answer.json()["title"] == "Sign in needed", header

    cookie = await client.identity.sessions.create_session("Alice.Smith")
    client.cookies.set(SESSION_COOKIE, cookie)
    assert (await client.get("/me")).json() == {"username": "Alice.Smith", "role": "facilitator"}
    forbidden = await client.get("/histories")
    assert forbidden.status_code == 403 and forbidden.headers["content-type"] == PROBLEM
    assert forbidden.json()["detail"] == "this needs the role auditor or supervisor; you are signed in as facilitator"
    # a bad bearer token is refused even with a good cookie beside it
    assert (await client.get("/me", headers={"Authorization": "Bearer nonsense"})).status_code == 401

    await client.identity.sessions.revoke_session(cookie)
    assert (await client.get("/me")).status_code == 401


def test_require_role_refuses_a_role_that_does_not_exist():
    with pytest.raises(ValueError, match=r"roles: .*'partner'.*; allowed: facilitator"):
        require_role("partner")
    with pytest.raises(ValueError, match="roles: none given"):
        require_role()


# Any code point, surrogates and NUL included; sent as JSON escapes, as a client might.
ANY_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.sampled_from(["audrey", "AUDREY", PASSWORD, "\x00", "\ud800", "\udfff", "audrey\x00", "x" * 1100]),
)
JUNK = st.one_of(ANY_TEXT, st.none(), st.integers(), st.booleans(), st.lists(ANY_TEXT, max_size=2))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=JUNK, password=JUNK)
async def test_any_sign_in_answers_200_401_or_422_never_5xx(client, username, password):
    body = json.dumps({"username": username, "password": password}, ensure_ascii=True)
    answer = await client.post("/api/v1/auth/token", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code in (200, 401, 422), answer.text
    if answer.status_code != 200:
        assert answer.headers["content-type"] == PROBLEM and answer.json()["status"] == answer.status_code


async def test_failed_sign_ins_are_throttled_per_address_and_per_username_but_not_for_good(accounts, pool):
    """429 with Retry-After before the password is checked; the right password from an address
    not throttled still works while the username's own, higher, limit is not reached."""
    throttle = SignInThrottle(FailureThrottle(2, 60.0), FailureThrottle(3, 60.0))
    identity = Identity(accounts, SessionStore(pool, SECRET), SECRET, throttle=throttle)
    app = app_for(identity)

    async def sign_in(address: str, username: str, password: str = PASSWORD) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://rj.test") as client:
            return await client.post("/api/v1/auth/token", json={"username": username, "password": password})

    assert [(await sign_in("10.0.0.1", "audrey", "wrong!")).status_code for _ in range(2)] == [401, 401]
    throttled = await sign_in("10.0.0.1", "audrey")  # the right password waits too: a guess is never confirmed
    assert throttled.status_code == 429 and throttled.headers["content-type"] == PROBLEM
    assert 1 <= int(throttled.headers["retry-after"]) <= 60
    assert throttled.json()["type"] == "/problems/too-many-failed-attempts"
    assert (await sign_in("10.0.0.2", "audrey")).status_code == 200  # elsewhere: signed in

    assert (await sign_in("10.0.0.3", "Audrey", "wrong!")).status_code == 401  # the username's third
    assert (await sign_in("10.0.0.4", "AUDREY")).status_code == 429  # any case, any address
    assert (await sign_in("10.0.0.4", "Alice.Smith")).status_code == 200  # someone else, same address

    clock = [0.0]
    lifting = SignInThrottle(FailureThrottle(1, 60.0, clock=lambda: clock[0]),
                             FailureThrottle(5, 60.0, clock=lambda: clock[0]))
    lifting.failed("10.0.0.9", "audrey")
    assert lifting.retry_after("10.0.0.9", "someone") == 60
    clock[0] = 60.5
    assert lifting.retry_after("10.0.0.9", "audrey") is None  # the block lifts by itself


async def test_an_identity_made_for_a_service_throttles_sign_ins(pool):
    assert isinstance(Identity.on(pool, SECRET).throttle, SignInThrottle)

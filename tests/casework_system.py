"""Casework running for tests: the referral service (to open cases) and casework served on free
ports, the people who sign in, and a client for both APIs. Used by the API, web and browser tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx

from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE
from tests.servers import serve
from tests.support import eventually

PASSWORD = "correct horse battery staple"
PEOPLE = {"sam.supervisor": ("supervisor", "advanced"), "kim.supervisor": ("supervisor", "advanced"),
          "ada.advanced": ("facilitator", "advanced"), "finn.foundation": ("facilitator", "foundation"),
          "aud.itor": ("auditor", None)}


class System:
    def __init__(self, referral: httpx.AsyncClient, casework: httpx.AsyncClient, casework_runtime, referral_key):
        self.referral, self.casework, self.runtime, self.key = referral, casework, casework_runtime, referral_key
        self.tokens: dict[str, str] = {}

    async def refer(self, document: dict | None = None) -> dict:
        response = await self.referral.post("/api/v1/referrals", json=document or EXAMPLE,
                                            headers={"Authorization": f"Bearer {self.key}"})
        assert response.status_code == 201, response.text
        return response.json()

    async def as_(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            answer = await self.casework.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            self.tokens[username] = answer.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    async def case_of(self, referral_id: str, who: str = "sam.supervisor") -> dict:
        async def listed():
            page = await self.casework.get("/api/v1/cases", params={"referral_id": referral_id},
                                           headers=await self.as_(who))
            return page.json()["items"]
        [case] = await eventually(listed)
        return case

    async def act(self, case_id: str, action: str, body: dict, who: str, **headers) -> httpx.Response:
        return await self.casework.post(f"/api/v1/cases/{case_id}/{action}", json=body,
                                        headers={**await self.as_(who), **headers})


@asynccontextmanager
async def casework_system(database_url: str, nats_url: str) -> AsyncIterator[tuple[System, str]]:
    """Both services with the people added and a partner agency's key; yields (system, casework URL)."""
    async with AsyncExitStack() as stack:
        referral_base, referral_app = await stack.enter_async_context(serve("referral", database_url, nats_url))
        casework_base, casework_app = await stack.enter_async_context(serve("casework", database_url, nats_url))
        _, key = await agencies.add(referral_app.state.runtime.pool, "Thames Valley Police")
        runtime = casework_app.state.runtime
        for username, (role, level) in PEOPLE.items():
            await runtime.identity.accounts.add(username, PASSWORD, role=role, level=level)
        referral = await stack.enter_async_context(httpx.AsyncClient(base_url=referral_base, timeout=30))
        casework = await stack.enter_async_context(httpx.AsyncClient(base_url=casework_base, timeout=30))
        yield System(referral, casework, runtime, key), casework_base

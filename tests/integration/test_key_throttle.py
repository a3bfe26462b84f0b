"""Wrong or missing API keys from one address are throttled (429 with Retry-After) after ten a minute,
and a valid key keeps working from that same address throughout."""

from __future__ import annotations

import asyncio

import httpx

from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE
from tests.servers import serve


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_repeated_bad_keys_get_429_with_retry_after_and_a_valid_key_still_works(referral_service):
    base, runtime = referral_service
    _, key = await agencies.add(runtime.pool, "Thames Valley Police")
    async with httpx.AsyncClient(base_url=base) as client:
        for attempt in range(10):
            headers = bearer(f"rjk_guess-{attempt}") if attempt % 2 else {}
            refused = await client.post("/api/v1/referrals", json=EXAMPLE, headers=headers)
            assert refused.status_code == 401, (attempt, refused.text)

        for headers in (bearer("rjk_guess-again"), {}):
            throttled = await client.get("/api/v1/referrals/00000000-0000-0000-0000-000000000000", headers=headers)
            assert throttled.status_code == 429
            assert throttled.headers["content-type"] == "application/problem+json"
            assert 1 <= int(throttled.headers["retry-after"]) <= 60
            assert throttled.json()["type"] == "/problems/too-many-failed-attempts"

        accepted = await client.post("/api/v1/referrals", json=EXAMPLE, headers=bearer(key))
        assert accepted.status_code == 201, accepted.text
        status = await client.get(accepted.json()["status_url"], headers=bearer(key))
        assert status.status_code == 200
        assert (await client.post("/api/v1/referrals", json=EXAMPLE, headers=bearer("rjk_nope"))).status_code == 429


async def test_the_block_lifts_when_the_failures_leave_the_window(fresh_database_url, clean_nats_url):
    async with (serve("referral", fresh_database_url, clean_nats_url, key_failure_limit=2,
                      key_failure_window_seconds=1.0) as (base, _app),
                httpx.AsyncClient(base_url=base) as client):
        statuses = [(await client.get("/api/v1/referrals/x", headers=bearer("rjk_bad"))).status_code for _ in range(3)]
        assert statuses == [401, 401, 429]
        await asyncio.sleep(1.1)
        assert (await client.get("/api/v1/referrals/x", headers=bearer("rjk_bad"))).status_code == 401

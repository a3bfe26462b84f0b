"""The partner API against the running referral service on real PostgreSQL and NATS."""

from __future__ import annotations

import copy
import re
import uuid
from datetime import date, timedelta

import httpx
import pytest

from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE
from shared.contracts.base import ERASED


@pytest.fixture
async def referral_api(referral_service):
    base, runtime = referral_service
    _, police_key = await agencies.add(runtime.pool, "Thames Valley Police")
    _, probation_key = await agencies.add(runtime.pool, "Probation Service")
    _, read_only_key = await agencies.add(runtime.pool, "Victim Support", ("referrals:read",))
    async with httpx.AsyncClient(base_url=base) as client:
        yield client, runtime, {"police": police_key, "probation": probation_key, "read_only": read_only_key}


def auth(key: str, **headers) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **headers}


async def test_a_referral_is_recorded_and_its_status_readable_at_once(referral_api):
    client, runtime, keys = referral_api
    response = await client.post("/api/v1/referrals", json=EXAMPLE, headers=auth(keys["police"]))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["reference"].startswith("REF-") and body["status_url"].endswith(body["referral_id"])
    status = await client.get(body["status_url"], headers=auth(keys["police"]))
    assert status.status_code == 200 and status.json()["status"] == "received"

    [recorded] = await runtime.store.read_stream(f"referral-{body['referral_id']}")
    assert recorded.event_type == "ReferralReceived" and recorded.actor.id == "thames-valley-police"
    assert "Alex Morgan" not in str(recorded.data) and "alex.morgan@example.org" not in str(recorded.data)
    assert recorded.data["offence"]["crime_reference"] == "43/12345/26"
    assert recorded.data["victim"]["name"] != ERASED


async def test_the_same_idempotency_key_answers_the_same_result_and_stores_nothing_new(referral_api):
    client, runtime, keys = referral_api
    headers = auth(keys["police"], **{"Idempotency-Key": "tvp-crm-000981"})
    first = await client.post("/api/v1/referrals", json=EXAMPLE, headers=headers)
    second = await client.post("/api/v1/referrals", json=EXAMPLE, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second.headers["Idempotent-Replayed"] == "true"
    assert await runtime.pool.fetchval("SELECT count(*) FROM eventstore.events") == 1

    changed = copy.deepcopy(EXAMPLE)
    changed["hopes"] = "Something else"
    reused = await client.post("/api/v1/referrals", json=changed, headers=headers)
    assert reused.status_code == 422 and reused.headers["content-type"] == "application/problem+json"
    assert reused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await runtime.pool.fetchval("SELECT count(*) FROM eventstore.events") == 1


async def test_another_agency_cannot_see_a_referral_it_did_not_make(referral_api):
    client, _, keys = referral_api
    made = (await client.post("/api/v1/referrals", json=EXAMPLE, headers=auth(keys["police"]))).json()
    other = await client.get(made["status_url"], headers=auth(keys["probation"]))
    missing = await client.get(f"/api/v1/referrals/{uuid.uuid4()}", headers=auth(keys["police"]))
    assert other.status_code == missing.status_code == 404
    assert other.json()["title"] == missing.json()["title"]


@pytest.mark.parametrize("key", [None, "rjk_not-a-real-key"])
async def test_a_missing_or_unknown_key_gets_401_and_nothing_is_stored(referral_api, key):
    client, runtime, _ = referral_api
    response = await client.post("/api/v1/referrals", json=EXAMPLE, headers=auth(key) if key else {})
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    assert await runtime.pool.fetchval("SELECT count(*) FROM eventstore.events") == 0


async def test_a_revoked_key_stops_working_at_once(referral_api):
    client, runtime, keys = referral_api
    assert (await client.post("/api/v1/referrals", json=EXAMPLE, headers=auth(keys["probation"]))).status_code == 201
    assert await agencies.revoke(runtime.pool, "probation-service")
    assert (await client.post("/api/v1/referrals", json=EXAMPLE, headers=auth(keys["probation"]))).status_code == 401


async def test_a_key_without_the_scope_gets_403(referral_api):
    client, _, keys = referral_api
    response = await client.post("/api/v1/referrals", json=EXAMPLE, headers=auth(keys["read_only"]))
    assert response.status_code == 403 and "referrals:write" in response.json()["detail"]


def broken_referral() -> dict:
    bad = copy.deepcopy(EXAMPLE)
    bad["source"] = "neighbourhood_watch"
    bad["offence"]["offence_date"] = (date.today() + timedelta(days=3)).isoformat()
    bad["victim"]["email"] = "alex.morgan.example.org"
    bad["referrer"]["phone"] = "12345"
    return bad


async def test_bad_input_names_every_invalid_field_and_stores_nothing(referral_api):
    client, runtime, keys = referral_api
    response = await client.post("/api/v1/referrals", json=broken_referral(), headers=auth(keys["police"]))
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    fields = {e["field"]: e for e in problem["errors"]}
    assert set(fields) == {"source", "offence.offence_date", "victim.email", "referrer.phone"}
    assert "police" in fields["source"]["allowed"]
    assert fields["offence.offence_date"]["problem"] == "must be today or in the past"
    assert fields["victim.email"]["pointer"] == "#/victim/email"
    assert problem["status"] == 422 and problem["instance"] == "/api/v1/referrals"
    assert await runtime.pool.fetchval("SELECT count(*) FROM eventstore.events") == 0


async def test_contact_details_without_a_safe_contact_preference_are_refused(referral_api):
    client, _, keys = referral_api
    bad = copy.deepcopy(EXAMPLE)
    del bad["victim"]["contact_preferences"]
    response = await client.post("/api/v1/referrals", json=bad, headers=auth(keys["police"]))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "victim.contact_preferences" and "email, phone" in error["problem"]


@pytest.mark.parametrize("body, status", [
    (b"{not json", 400),
    (b"[]", 422),
    (b'{"source": "police"}', 422),
])
async def test_malformed_bodies_get_a_problem_not_a_5xx(referral_api, body, status):
    client, _, keys = referral_api
    response = await client.post("/api/v1/referrals", content=body,
                                 headers=auth(keys["police"], **{"Content-Type": "application/json"}))
    assert response.status_code == status and response.headers["content-type"] == "application/problem+json"


async def test_an_oversized_body_gets_413(referral_api):
    client, runtime, keys = referral_api
    huge = copy.deepcopy(EXAMPLE)
    huge["hopes"] = "x" * 300_000
    response = await client.post("/api/v1/referrals", json=huge, headers=auth(keys["police"]))
    assert response.status_code == 413 and response.json()["title"] == "The request body is too large"
    assert await runtime.pool.fetchval("SELECT count(*) FROM eventstore.events") == 0


async def test_a_possible_duplicate_is_recorded_and_linked_to_the_earlier_referral(referral_api):
    client, runtime, keys = referral_api
    first = (await client.post("/api/v1/referrals", json=EXAMPLE, headers=auth(keys["police"]))).json()
    again = copy.deepcopy(EXAMPLE)
    again["source"], again["referrer"]["organisation"] = "probation_victim_liaison", "Probation"
    again["victim"]["name"] = "  alex   MORGAN "  # the same person, typed differently
    second = (await client.post("/api/v1/referrals", json=again, headers=auth(keys["probation"]))).json()
    assert second["referral_id"] != first["referral_id"]
    assert second["possible_duplicate_of"] == first["referral_id"]
    other_victim = copy.deepcopy(EXAMPLE)
    other_victim["victim"]["name"], other_victim["victim"]["date_of_birth"] = "Jamie Lee", "1990-01-01"
    third = (await client.post("/api/v1/referrals", json=other_victim, headers=auth(keys["police"]))).json()
    assert third["possible_duplicate_of"] is None
    assert await runtime.pool.fetchval("SELECT count(*) FROM eventstore.events") == 3


async def test_the_openapi_example_is_accepted_as_it_stands(referral_api):
    client, _, keys = referral_api
    spec = (await client.get("/openapi.json")).json()
    schema = spec["components"]["schemas"]["ReferralSubmission"]
    [example] = schema["examples"]
    response = await client.post("/api/v1/referrals", json=example, headers=auth(keys["police"]))
    assert response.status_code == 201, response.text


async def test_the_api_docs_load_nothing_from_outside(referral_api):
    client, _, _ = referral_api
    for page in ("/docs", "/redoc"):
        html = (await client.get(page)).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"(?:src|href)='([^']+)'", html)
        assert sources, page
        assert all(not s.startswith(("http://", "https://", "//")) for s in sources), (page, sources)
        for asset in sources:
            assert (await client.get(asset)).status_code == 200, asset

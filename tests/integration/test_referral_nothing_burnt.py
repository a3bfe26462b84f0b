"""A request that records nothing takes nothing: no Idempotency-Key, no reference number, no
data-subject key is used up by it, on the real PostgreSQL adapters and over HTTP."""

from __future__ import annotations

import asyncio
import copy
import uuid

import httpx
import pytest

from services.referral.adapters import agencies
from services.referral.adapters.references import postgres_reference_numbers
from services.referral.domain.submission import EXAMPLE
from shared.crypto.keystore import PostgresKeyStore

# Stands in for the database failing mid-request: any event whose data says so is refused.
FAIL_APPENDS = """
CREATE FUNCTION eventstore.fail_marked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.data::text LIKE '%FAIL-THIS-APPEND%' THEN RAISE EXCEPTION 'the database refused the append'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER fail_marked BEFORE INSERT ON eventstore.events FOR EACH ROW EXECUTE FUNCTION eventstore.fail_marked();
"""


@pytest.fixture
async def api(referral_service):
    base, runtime = referral_service
    _, key = await agencies.add(runtime.pool, "Thames Valley Police")
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        yield client, runtime


def marked_to_fail() -> dict:
    document = copy.deepcopy(EXAMPLE)
    document["offence"]["crime_reference"] = "FAIL-THIS-APPEND"
    return document


async def test_twenty_concurrent_requests_under_one_key_answer_the_one_recorded_reference(api):
    client, runtime = api
    headers = {"Idempotency-Key": "crm-2026-0001"}
    answers = await asyncio.gather(*[client.post("/api/v1/referrals", json=EXAMPLE, headers=headers)
                                     for _ in range(20)])
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["reference"] for a in answers}) == 1
    assert [a.headers.get("Idempotent-Replayed") for a in answers].count("true") == 19
    assert await runtime.pool.fetchval("SELECT count(*) FROM eventstore.events") == 1
    # The nineteen that lost the race gave their numbers back: twenty more referrals fill 1 to 21.
    more = [await client.post("/api/v1/referrals", json=EXAMPLE, headers={"Idempotency-Key": f"crm-{n}"})
            for n in range(20)]
    numbers = {int(r.json()["reference"][-6:]) for r in [answers[0], *more]}
    assert numbers == set(range(1, 22))


async def test_a_request_the_database_fails_leaves_its_key_and_number_for_the_corrected_retry(api):
    client, runtime = api
    await runtime.pool.execute(FAIL_APPENDS)
    headers = {"Idempotency-Key": "crm-2026-0003"}
    failed = await client.post("/api/v1/referrals", json=marked_to_fail(), headers=headers)
    assert failed.status_code >= 500
    retried = await client.post("/api/v1/referrals", json=EXAMPLE, headers=headers)
    assert retried.status_code == 201, retried.text
    assert retried.json()["reference"][-6:] == "000001" and "Idempotent-Replayed" not in retried.headers


async def test_a_failed_request_without_a_key_leaves_no_data_subject_keys(api):
    client, runtime = api
    await runtime.pool.execute(FAIL_APPENDS)
    failed = await client.post("/api/v1/referrals", json=marked_to_fail())
    assert failed.status_code >= 500
    assert await runtime.pool.fetchval("SELECT count(*) FROM keystore.subject_keys") == 0
    assert await runtime.pool.fetchval("SELECT count(*) FROM referral.returned_references") == 1


async def test_returned_numbers_are_handed_out_lowest_first_then_the_sequence_goes_on(referral_service):
    _, runtime = referral_service
    references = postgres_reference_numbers(runtime.pool)
    taken = [await references.next(2026) for _ in range(3)]
    await references.release(taken[2])
    await references.release(taken[0])
    again = await asyncio.gather(*[references.next(2026) for _ in range(3)])
    assert sorted(again) == sorted([taken[0], taken[2], "REF-2026-000004"])


async def test_discarded_keys_are_gone_but_a_forgotten_subject_stays_forgotten(referral_service):
    _, runtime = referral_service
    store: PostgresKeyStore = runtime.keys
    made, forgotten, kept = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for subject in (made, forgotten, kept):
        await store.key_for_sealing(subject)
    await store.forget(forgotten)
    await store.discard([made, forgotten])
    assert set(await store.keys_for_opening([made, forgotten, kept])) == {kept}
    assert await store.is_forgotten(forgotten)

"""Partners' CloudEvents, produced by the official cloudevents SDK, in all three HTTP modes."""

from __future__ import annotations

import json
from datetime import date, timedelta

import httpx
import pytest
from cloudevents.core.bindings import http as ce_http
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE

SOURCE = "/thames-valley-police/crm"


@pytest.fixture
async def events_api(referral_service):
    base, runtime = referral_service
    _, key = await agencies.add(runtime.pool, "Thames Valley Police")
    _, other = await agencies.add(runtime.pool, "Probation Service")
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
        yield client, runtime, other


def event(type_: str, id_: str, data: dict) -> CloudEvent:
    return CloudEvent(attributes={"type": type_, "source": SOURCE, "id": id_,
                                  "datacontenttype": "application/json"}, data=data)


async def post(client: httpx.AsyncClient, message: ce_http.HTTPMessage, **headers) -> httpx.Response:
    return await client.post("/api/v1/events", content=message.body, headers={**message.headers, **headers})


async def count(runtime) -> int:
    return await runtime.pool.fetchval("SELECT count(*) FROM eventstore.events")


async def submit(client, id_="crm-1") -> str:
    response = await post(client, ce_http.to_structured_event(event("rj.referral.submitted.v1", id_, EXAMPLE)))
    assert response.status_code == 200, response.text
    return response.json()["results"][0]["referral_id"]


async def test_a_structured_submission_is_recorded_and_a_repeat_stores_nothing(events_api):
    client, runtime, _ = events_api
    message = ce_http.to_structured_event(event("rj.referral.submitted.v1", "crm-1", EXAMPLE))
    first = await post(client, message)
    again = await post(client, message)
    assert first.status_code == again.status_code == 200
    assert first.json()["results"][0]["status"] == "accepted"
    assert again.json()["results"][0]["status"] == "already recorded"
    assert again.json()["results"][0]["referral_id"] == first.json()["results"][0]["referral_id"]
    assert await count(runtime) == 1


async def test_a_binary_mode_update_is_recorded_once(events_api):
    client, runtime, _ = events_api
    referral_id = await submit(client)
    today = date.today()
    deferred = event("rj.court.sentence-deferred.v1", "court-9",
                     {"referral_id": referral_id, "court": "Aylesbury Crown Court",
                      "deferred_until": (today + timedelta(days=120)).isoformat()})
    message = ce_http.to_binary_event(deferred)
    assert "ce-id" in message.headers
    first, again = await post(client, message), await post(client, message)
    assert first.status_code == again.status_code == 200, first.text
    assert again.json()["results"][0]["status"] == "already recorded"
    stream = await runtime.store.read_stream(f"referral-{referral_id}")
    assert [e.event_type for e in stream] == ["ReferralReceived", "SentenceDeferred"]


async def test_a_batch_is_recorded_whole_and_a_repeated_batch_stores_nothing(events_api):
    client, runtime, _ = events_api
    referral_id = await submit(client)
    fmt = JSONFormat()
    batch = [
        event("rj.offender.custody-changed.v1", "c-1", {"referral_id": referral_id, "custody_status": "in_custody",
                                                         "establishment": "HMP Bullingdon",
                                                         "effective_date": date.today().isoformat()}),
        event("rj.court.sentenced.v1", "s-1", {"referral_id": referral_id, "court": "Oxford Crown Court",
                                               "sentenced_on": date.today().isoformat(),
                                               "outcome": "18 months' custody"}),
        event("rj.referral.submitted.v1", "crm-2", EXAMPLE),
    ]
    body = json.dumps([json.loads(fmt.write(e)) for e in batch])
    headers = {"Content-Type": "application/cloudevents-batch+json"}
    first = await client.post("/api/v1/events", content=body, headers=headers)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == ["accepted"] * 3
    again = await client.post("/api/v1/events", content=body, headers=headers)
    assert [r["status"] for r in again.json()["results"]] == ["already recorded"] * 3
    assert await count(runtime) == 4
    [_, custody, _] = await runtime.store.read_stream(f"referral-{referral_id}")
    assert "HMP Bullingdon" not in json.dumps(custody.data)  # the offender's whereabouts are sealed


async def test_one_bad_event_rejects_the_whole_batch_naming_it(events_api):
    client, runtime, _ = events_api
    referral_id = await submit(client)
    fmt = JSONFormat()
    bad = dict(EXAMPLE, victim=dict(EXAMPLE["victim"], email="not-an-email"))
    batch = [event("rj.referral.withdrawn.v1", "w-1", {"referral_id": referral_id}),
             event("rj.referral.submitted.v1", "crm-3", bad)]
    body = json.dumps([json.loads(fmt.write(e)) for e in batch])
    response = await client.post("/api/v1/events", content=body,
                                 headers={"Content-Type": "application/cloudevents-batch+json"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "data.victim.email" and error["pointer"] == "#/1/data/victim/email"
    assert await count(runtime) == 1  # the valid withdrawal in the same batch was not recorded either


async def test_an_unknown_type_is_refused_with_the_allowed_types(events_api):
    client, runtime, _ = events_api
    response = await post(client, ce_http.to_structured_event(event("rj.referral.teleported.v1", "x", {})))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "type" and "rj.referral.withdrawn.v1" in error["allowed"]
    assert await count(runtime) == 0


async def test_an_event_without_its_required_attributes_is_a_400(events_api):
    client, _, _ = events_api
    response = await client.post("/api/v1/events", content=b'{"specversion": "1.0", "type": "x"}',
                                 headers={"Content-Type": "application/cloudevents+json"})
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"
    assert "source" in response.json()["detail"]


async def test_an_update_about_another_agencys_referral_is_404(events_api):
    client, runtime, other_key = events_api
    referral_id = await submit(client)
    withdrawal = ce_http.to_structured_event(event("rj.referral.withdrawn.v1", "w-9", {"referral_id": referral_id}))
    response = await post(client, withdrawal, Authorization=f"Bearer {other_key}")
    assert response.status_code == 404
    assert await count(runtime) == 1


async def test_a_withdrawn_referral_takes_no_further_updates(events_api):
    client, _, _ = events_api
    referral_id = await submit(client)
    ok = await post(client, ce_http.to_structured_event(
        event("rj.referral.withdrawn.v1", "w-1", {"referral_id": referral_id, "reason": "victim asked"})))
    assert ok.status_code == 200
    late = await post(client, ce_http.to_structured_event(event(
        "rj.court.sentenced.v1", "s-2", {"referral_id": referral_id, "court": "Reading Crown Court",
                                         "sentenced_on": date.today().isoformat(), "outcome": "community order"})))
    assert late.status_code == 409 and "withdrawn" in late.json()["detail"]


async def test_a_deferral_beyond_six_months_is_refused(events_api):
    client, _, _ = events_api
    referral_id = await submit(client)
    response = await post(client, ce_http.to_structured_event(event(
        "rj.court.sentence-deferred.v1", "d-1", {"referral_id": referral_id, "court": "Reading Crown Court",
                                                 "deferred_until": (date.today() + timedelta(days=300)).isoformat()})))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "data.deferred_until"


async def test_the_openapi_examples_of_the_events_endpoint_are_accepted_as_they_stand(events_api):
    client, runtime, _ = events_api
    spec = (await client.get("/openapi.json")).json()
    content = spec["paths"]["/api/v1/events"]["post"]["requestBody"]["content"]
    for media_type in ("application/cloudevents+json", "application/cloudevents-batch+json"):
        response = await client.post("/api/v1/events", content=json.dumps(content[media_type]["example"]),
                                     headers={"Content-Type": media_type})
        assert response.status_code == 200, (media_type, response.text)
    assert await count(runtime) == 2  # the structured example and the batch's second event; its first repeats


async def test_a_batch_with_one_update_the_rules_refuse_records_nothing(events_api):
    client, runtime, _ = events_api
    withdrawn, live = await submit(client, "crm-a"), await submit(client, "crm-b")
    assert (await post(client, ce_http.to_structured_event(
        event("rj.referral.withdrawn.v1", "w-a", {"referral_id": withdrawn})))).status_code == 200
    before = await count(runtime)
    sentenced = {"court": "Oxford Crown Court", "sentenced_on": date.today().isoformat(), "outcome": "fine"}
    batch = [event("rj.court.sentenced.v1", "s-live", {"referral_id": live, **sentenced}),
             event("rj.court.sentenced.v1", "s-gone", {"referral_id": withdrawn, **sentenced})]
    body = json.dumps([json.loads(JSONFormat().write(e)) for e in batch])
    response = await client.post("/api/v1/events", content=body,
                                 headers={"Content-Type": "application/cloudevents-batch+json"})
    assert response.status_code == 409 and "s-gone" in response.json()["detail"]
    assert await count(runtime) == before  # the valid update to the live referral was not recorded either

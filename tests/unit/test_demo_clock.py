"""The demo clock: off unless the service's setting turns it on; then ``X-RJ-Demo-Time`` dates a
request (``shared.clock.now()`` and the events it records), and a bad value is a 400 naming it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from fastapi import APIRouter

from shared import clock
from shared.contracts.referral import ReferralAcknowledged
from shared.envelope import Cause, new_event
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.port import Actor
from shared.runtime import ServiceDefinition
from shared.settings import ServiceSettings
from shared.web.app import create_service_app

PAST = "2025-03-04T10:15:00+00:00"
now_router = APIRouter()


@now_router.post("/now")
async def what_time_is_it() -> dict[str, str]:
    return {"now": clock.now().isoformat()}


def client(demo_clock: bool) -> httpx.AsyncClient:
    settings = ServiceSettings(database_url="postgresql://unused", nats_url="nats://unused", demo_clock=demo_clock)
    app = create_service_app(ServiceDefinition("demo", ("demo",), key_access=False), settings, [now_router],
                             title="demo")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://demo")


async def test_with_the_setting_the_header_dates_the_request_and_healthz_says_so():
    async with client(demo_clock=True) as http:
        answer = await http.post("/now", headers={"X-RJ-Demo-Time": PAST})
        assert answer.json() == {"now": PAST}
        assert datetime.fromisoformat((await http.post("/now")).json()["now"]) > datetime.now(UTC) - timedelta(1)
        assert (await http.get("/healthz")).json() == {"status": "ok", "demo_clock": True}


async def test_without_the_setting_the_header_is_ignored():
    async with client(demo_clock=False) as http:
        answer = await http.post("/now", headers={"X-RJ-Demo-Time": PAST})
        assert datetime.fromisoformat(answer.json()["now"]) > datetime.now(UTC) - timedelta(minutes=1)
        assert (await http.post("/now", headers={"X-RJ-Demo-Time": "nonsense"})).status_code == 200
        assert (await http.get("/healthz")).json() == {"status": "ok"}


@pytest.mark.parametrize(("value", "says"), [
    ("next tuesday", "is not an ISO 8601 date and time"),
    ("2025-03-04T10:15:00", "has no UTC offset"),
    ((datetime.now(UTC) + timedelta(days=1)).isoformat(), "is in the future"),
    ("1999-12-31T23:59:59Z", "is before 2000-01-01"),
])
async def test_a_bad_demo_time_is_a_400_problem_naming_the_header(value, says):
    async with client(demo_clock=True) as http:
        answer = await http.post("/now", headers={"X-RJ-Demo-Time": value})
    assert answer.status_code == 400 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "/problems/bad-demo-time" and "X-RJ-Demo-Time" in problem["detail"]
    assert problem["errors"][0]["field"] == "X-RJ-Demo-Time" and says in problem["errors"][0]["problem"]


async def test_an_event_occurs_at_the_demo_time_but_is_recorded_at_the_real_time():
    store, moment = InMemoryEventStore(), datetime(2025, 3, 4, 10, 15, tzinfo=UTC)
    with clock.simulating(moment):
        event = await new_event(ReferralAcknowledged(referral_id=uuid4(), channel="email"),
                                Cause.fresh(Actor("system", "demo", "system")), keys=None)
        stream = f"referral-{uuid4()}"
        await store.append(stream, [event], expected_version=None)
    assert clock.now() > moment + timedelta(days=300)
    [recorded] = await store.read_stream(stream)
    assert recorded.occurred_at == moment and recorded.recorded_at > moment + timedelta(days=300)

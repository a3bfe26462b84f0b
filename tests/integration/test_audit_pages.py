"""The auditors' case history on the real reporting app (PostgreSQL, NATS): /audit/cases/{ref} and its
JSON Lines API. A case's events are appended to the store as referral, casework and notifications
would record them; reporting finds them by the case's reference, verifies each one's hash, replays
the state as at a moment, records every read, and answers 404 to anyone but an auditor."""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID, uuid4

import httpx
import pytest

from shared.contracts.casework import (
    CaseAccessed,
    CaseClosed,
    CaseOpened,
    CaseParty,
    ConsentGiven,
    ConsentWithdrawn,
    FacilitatorAllocated,
    RiskAssessmentCompleted,
    case_id_for,
)
from shared.contracts.notifications import NotificationSent
from shared.contracts.referral import ProgressPageViewed
from shared.envelope import Cause, new_event
from shared.eventstore.port import ANY_VERSION, Actor, RecordedEvent
from tests.servers import serve
from tests.support import a_referral, record_referral

PASSWORD = "correct horse battery staple"
PEOPLE = {"aud.itor": ("auditor", None), "cara.commissioner": ("commissioner", None),
          "sam.supervisor": ("supervisor", "advanced"), "ada.advanced": ("facilitator", "advanced"),
          "adam.admin": ("admin", None)}
REFERENCE = "RJ-2026-000123"
PAGE = f"/audit/cases/{REFERENCE}"
API = f"/api/v1/audit/cases/{REFERENCE}/events"
CASEWORK = Actor("service", "casework", "system")
SAM, ADA = Actor("user", "sam.supervisor", "supervisor"), Actor("user", "ada.advanced", "facilitator")


class Keys:
    """Data keys as a service with key access would hold them (reporting never sees them)."""

    def __init__(self):
        self.keys: dict[UUID, bytes] = {}

    async def key_for_sealing(self, subject_id: UUID) -> bytes:
        return self.keys.setdefault(subject_id, os.urandom(32))


@dataclass
class Case:
    base: str
    runtime: object
    case_id: UUID
    referral_id: UUID
    recorded: dict[str, RecordedEvent]
    """The case's events by type, as the store recorded them."""

    async def audits(self) -> list[RecordedEvent]:
        return await self.runtime.store.read_stream(f"report-audit-{self.case_id}")


async def append(runtime, stream: str, event, actor: Actor, keys: Keys, cause: RecordedEvent | None = None):
    reason = Cause(actor, cause.correlation_id, cause.event_id) if cause else Cause.fresh(actor)
    await runtime.store.append(stream, [await new_event(event, reason, keys)], ANY_VERSION)
    return (await runtime.store.read_stream(stream))[-1]


@pytest.fixture
async def case(fresh_database_url, clean_nats_url) -> AsyncIterator[Case]:
    """Reporting served, the people who sign in, and one case's history across the services."""
    async with serve("reporting", fresh_database_url, clean_nats_url) as (base, app):
        runtime, keys = app.state.runtime, Keys()
        for username, (role, level) in PEOPLE.items():
            await runtime.identity.accounts.add(username, PASSWORD, role=role, level=level)
        referral = await record_referral(runtime.store, keys, a_referral())
        rid, cid = referral.referral_id, case_id_for(referral.referral_id)
        [received] = await runtime.store.read_stream(f"referral-{rid}")
        stream, victim = f"case-{cid}", referral.victim
        recorded = {"ReferralReceived": received}
        for event, actor in [
            (CaseOpened(case_id=cid, referral_id=rid, reference=REFERENCE, area="Buckinghamshire",
                        victim=CaseParty(subject_id=victim.subject_id, name="Alex Morgan", email="alex@example.org")),
             CASEWORK),
            (FacilitatorAllocated(case_id=cid, facilitator="ada.advanced", level="advanced",
                                  allocated_by="sam.supervisor"), SAM),
            (RiskAssessmentCompleted(case_id=cid, subject_id=victim.subject_id, assessment_id=uuid4(), party="victim",
                                     level="low", factors="Lives alone at 1 High Street",
                                     review_date=date(2026, 12, 1)), ADA),
            (ConsentGiven(case_id=cid, consent_id=UUID(int=1), party="victim", scope="participation",
                          form="written"), ADA),
            (ConsentWithdrawn(case_id=cid, consent_id=UUID(int=1), party="victim", scope="participation"), ADA),
            (CaseClosed(case_id=cid, reason="victim_withdrew_or_declined", referral_id=rid), ADA),
        ]:
            recorded[event.event_type] = await append(runtime, stream, event, actor, keys)
        recorded["CaseAccessed"] = await append(runtime, f"access-{cid}", CaseAccessed(case_id=cid, view="case"),
                                                SAM, keys)
        recorded["ProgressPageViewed"] = await append(
            runtime, f"progress-{rid}", ProgressPageViewed(referral_id=rid, stage="closed"),
            Actor("user", "progress-link", "victim"), keys)
        opened = recorded["CaseOpened"]
        sent = NotificationSent(notification_id=uuid4(), source_event_id=opened.event_id, recipient_role="victim",
                                recipient_id=str(victim.subject_id), template="case_opened_to_victim", channel="email")
        recorded["NotificationSent"] = await append(runtime, f"notification-{sent.notification_id}", sent,
                                                    Actor("service", "notifications", "system"), keys, cause=opened)
        # Someone else's notification, in another case's conversation: never part of this history.
        other = sent.model_copy(update={"notification_id": uuid4(), "source_event_id": uuid4()})
        await append(runtime, f"notification-{other.notification_id}", other, CASEWORK, keys)
        yield Case(base, runtime, cid, rid, recorded)


def csrf(page: httpx.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


@asynccontextmanager
async def signed_in(base: str, username: str | None) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        if username:
            form = await client.get("/login")
            signed = await client.post("/login", data={"username": username, "password": PASSWORD,
                                                       "csrf_token": csrf(form)})
            assert signed.status_code == 303, signed.text
        yield client


async def bearer(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def tags(page: httpx.Response) -> list[tuple[str, str]]:
    """(event type, its check) for each event on the page, in the order shown."""
    rows = re.findall(r'<tr class="govuk-table__row" id="event-\d+">(.*?)</tr>', page.text, re.DOTALL)
    return [(re.search(r'<span class="rj-event-type">(\w+)</span>', row).group(1),
             re.search(r'<strong class="govuk-tag[^"]*">(\w+)</strong>', row).group(1)) for row in rows]


def summary(page: httpx.Response) -> dict[str, str]:
    """The state's summary list (the first on the page), key → value."""
    pairs = re.findall(r'<dt class="govuk-summary-list__key">([^<]*)</dt>\s*<dd class="govuk-summary-list__value">'
                       r"([^<]*)</dd>", page.text)
    found: dict[str, str] = {}
    for key, value in pairs:
        found.setdefault(key, value)
    return found


ORDER = ["ReferralReceived", "CaseOpened", "FacilitatorAllocated", "RiskAssessmentCompleted", "ConsentGiven",
         "ConsentWithdrawn", "CaseClosed", "CaseAccessed", "ProgressPageViewed", "NotificationSent",
         "CaseHistoryAudited"]


async def test_the_auditor_sees_every_event_in_order_verified_with_its_actor_and_nothing_personal(case):
    async with signed_in(case.base, "aud.itor") as auditor:
        page = await auditor.get(PAGE)
    assert page.status_code == 200, page.text
    assert tags(page) == [(event_type, "verified") for event_type in ORDER]
    assert "Every event&#39;s hash verifies" in page.text or "Every event's hash verifies" in page.text
    assert "ada.advanced (facilitator)" in page.text and "sam.supervisor (supervisor)" in page.text
    assert "service casework (system)" in page.text and "aud.itor (auditor)" in page.text
    assert f"case-{case.case_id}" in page.text and "notification-" in page.text
    assert ">sealed<" in page.text
    for personal in ("Alex Morgan", "alex@example.org", "High Street", "Sam Taylor"):
        assert personal not in page.text
    assert summary(page)["Status"] == "closed"
    assert summary(page)["Closed"] == "yes: victim withdrew or declined"
    [audit] = await case.audits()
    assert (audit.actor, audit.category, audit.producer) == (Actor("user", "aud.itor", "auditor"), "report",
                                                             "reporting")
    assert audit.data == {"case_id": str(case.case_id), "case_reference": REFERENCE, "view": "page",
                          "at_moment": None}


async def test_an_event_changed_in_the_database_shows_as_altered(case):
    changed = case.recorded["FacilitatorAllocated"]
    await case.runtime.pool.execute(
        "UPDATE eventstore.events SET data = jsonb_set(data, '{facilitator}', '\"mallory\"') WHERE event_id = $1",
        changed.event_id)
    async with signed_in(case.base, "aud.itor") as auditor:
        page = await auditor.get(PAGE)
        lines = [json.loads(line) for line in (await auditor.get(API)).text.splitlines()]
    checks = dict(tags(page))
    assert checks.pop("FacilitatorAllocated") == "altered"
    assert set(checks.values()) == {"verified"}
    assert "no longer match the hash recorded with them" in page.text
    assert {line["event_type"]: line["verification"] for line in lines}["FacilitatorAllocated"] == "altered"
    assert [line["event_id"] for line in lines if line["verification"] != "verified"] == [str(changed.event_id)]


async def test_the_state_at_a_moment_between_two_events_is_the_earlier_state(case):
    given, withdrawn = case.recorded["ConsentGiven"], case.recorded["ConsentWithdrawn"]
    between = given.recorded_at + (withdrawn.recorded_at - given.recorded_at) / 2
    assert given.recorded_at < between < withdrawn.recorded_at
    async with signed_in(case.base, "aud.itor") as auditor:
        then = await auditor.get(PAGE, params={"at": between.isoformat()})
        now = await auditor.get(PAGE)
        before = await auditor.get(PAGE, params={"at": (case.recorded["CaseOpened"].recorded_at
                                                        - timedelta(days=1)).isoformat()})
        wrong = await auditor.get(PAGE, params={"at": "next tuesday"})
    assert then.status_code == 200
    state = summary(then)
    assert state["Status"] == "assessing" and state["Facilitator"] == "ada.advanced"
    assert state["Consents of the victim"] == "participation (written)"
    assert state["Risk assessments"] == "victim: low, review 1 December 2026"
    assert state["Closed"] == "no"
    assert "Replayed from 4 of the case&#39;s events" in then.text or "Replayed from 4 of" in then.text
    assert summary(now)["Consents of the victim"] == "none standing" and summary(now)["Status"] == "closed"
    assert summary(before)["Facilitator"] == "not allocated"
    assert wrong.status_code == 400 and "Enter a date and time" in wrong.text
    assert len(tags(wrong)) == len(ORDER) + 3  # the history is still shown, and each read recorded
    moments = [audit.data["at_moment"] for audit in await case.audits()]
    assert moments[0] is not None and moments[1] is None


async def test_the_api_answers_json_lines_an_auditor_can_check(case):
    async with signed_in(case.base, None) as client:
        answer = await client.get(API, headers=await bearer(client, "aud.itor"))
        openapi = (await client.get("/openapi.json")).json()
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in answer.text.splitlines()]
    assert [line["event_type"] for line in lines] == ORDER
    assert {line["verification"] for line in lines} == {"verified"}
    opened = next(line for line in lines if line["event_type"] == "CaseOpened")
    assert opened["data"]["reference"] == REFERENCE and opened["data"]["victim"]["name"]["$sealed"] == 1
    assert opened["actor"] == {"kind": "service", "id": "casework", "role": "system"}
    assert opened["schema_version"] == 1 and opened["stream_id"] == f"case-{case.case_id}"
    assert "Alex Morgan" not in answer.text
    sent = next(line for line in lines if line["event_type"] == "NotificationSent")
    assert sent["causation_id"] == opened["event_id"]
    assert [audit.data["view"] for audit in await case.audits()] == ["api"]
    assert "application/x-ndjson" in openapi["paths"]["/api/v1/audit/cases/{case_ref}/events"]["get"][
        "responses"]["200"]["content"]


@pytest.mark.parametrize("username", ["cara.commissioner", "sam.supervisor", "ada.advanced", "adam.admin"])
async def test_anyone_but_an_auditor_is_told_the_history_does_not_exist(case, username):
    async with signed_in(case.base, username) as client:
        page = await client.get(PAGE)
        api = await client.get(API, headers=await bearer(client, username))
        find = await client.get("/audit", params={"case_ref": REFERENCE})
    assert page.status_code == 404 and "Page not found" in page.text and REFERENCE not in page.text
    assert find.status_code == 404 and "Page not found" in find.text
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    assert await case.audits() == []


async def test_nobody_signed_in_is_sent_to_sign_in_and_an_unknown_case_is_not_found(case):
    async with signed_in(case.base, None) as client:
        page = await client.get(PAGE)
        api = await client.get(API)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=%2Faudit%2Fcases%2F")
    assert api.status_code == 401
    async with signed_in(case.base, "aud.itor") as auditor:
        assert (await auditor.get("/audit/cases/RJ-2026-999999")).status_code == 404
        assert (await auditor.get("/api/v1/audit/cases/RJ-2026-999999/events")).status_code == 404
    assert await case.audits() == []


async def test_each_read_appends_an_audit_record_without_changing_the_case(case):
    version = len(await case.runtime.store.read_stream(f"case-{case.case_id}"))
    async with signed_in(case.base, "aud.itor") as auditor:
        await auditor.get(PAGE)
        await auditor.get(API)
        await auditor.get(PAGE, params={"at": "2026-10-05T10:00"})
    audits = await case.audits()
    assert [(a.data["view"], a.data["at_moment"]) for a in audits] == [
        ("page", None), ("api", None), ("page", "2026-10-05T10:00:00+01:00")]
    assert {a.actor for a in audits} == {Actor("user", "aud.itor", "auditor")}
    assert len(await case.runtime.store.read_stream(f"case-{case.case_id}")) == version


async def test_an_auditor_finds_a_case_by_its_reference(case):
    async with signed_in(case.base, "aud.itor") as auditor:
        form = await auditor.get("/audit")
        found = await auditor.get("/audit", params={"case_ref": f" {REFERENCE.lower()} "})
        unknown = await auditor.get("/audit", params={"case_ref": "RJ-2026-999999"})
    assert form.status_code == 200 and "Case reference" in form.text
    assert found.status_code == 303 and found.headers["location"] == PAGE
    assert unknown.status_code == 404 and "There is no case with that reference" in unknown.text
    assert await case.audits() == []  # finding is not reading: only the history page records

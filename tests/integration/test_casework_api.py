"""Casework through its JSON API on real PostgreSQL and NATS: referrals become cases, people
sign in, act and read within their roles, and a whole case runs from allocation to closure."""

from __future__ import annotations

import asyncio
import copy
from datetime import UTC, datetime, timedelta

import pytest

from services.referral.domain.submission import EXAMPLE
from tests.casework_system import casework_system
from tests.support import eventually


@pytest.fixture
async def system(fresh_database_url, clean_nats_url):
    async with casework_system(fresh_database_url, clean_nats_url) as (running, _):
        yield running


async def test_a_referral_becomes_one_case_with_a_reference_and_its_deadline(system):
    referral = await system.refer()
    case = await system.case_of(referral["referral_id"])
    assert case["reference"].startswith("RJ-2026-") and case["status"] == "referred"
    assert case["referral_reference"] == referral["reference"] and case["first_contact_due"]

    async def status():
        answer = await system.referral.get(referral["status_url"], headers={"Authorization": f"Bearer {system.key}"})
        return answer.json()["status"] == "case opened"
    await eventually(status)


async def test_forty_referrals_posted_at_once_become_forty_cases(system):
    referrals = await asyncio.gather(*[system.refer() for _ in range(40)])
    headers = await system.as_("sam.supervisor")

    async def all_open():
        page = await system.casework.get("/api/v1/cases", params={"page_size": 100}, headers=headers)
        return page.json()["total"] == 40 and page.json()
    page = await eventually(all_open, timeout=60)
    assert {c["referral_id"] for c in page["items"]} == {r["referral_id"] for r in referrals}
    assert len({c["reference"] for c in page["items"]}) == 40


async def test_a_sensitive_offence_opens_a_sensitive_case(system):
    document = copy.deepcopy(EXAMPLE)
    document["offence"]["offence_type"] = "sexual_offence"
    case = await system.case_of((await system.refer(document))["referral_id"])
    assert case["sensitive"] is True


async def test_nobody_reads_or_acts_without_signing_in_and_only_caseworkers_at_all(system):
    case = await system.case_of((await system.refer())["referral_id"])
    assert (await system.casework.get("/api/v1/cases")).status_code == 401
    assert (await system.casework.get(f"/api/v1/cases/{case['case_id']}")).status_code == 401
    assert (await system.casework.get("/api/v1/cases", headers=await system.as_("aud.itor"))).status_code == 403
    refused = await system.casework.post("/api/v1/auth/token", json={"username": "ada.advanced", "password": "x"})
    assert refused.status_code == 401


async def test_a_whole_case_from_allocation_to_closure(system):
    referral = await system.refer()
    case_id = (await system.case_of(referral["referral_id"]))["case_id"]
    sam, ada = "sam.supervisor", "ada.advanced"

    async def step(action: str, body: dict, who: str = ada) -> dict:
        answer = await system.act(case_id, action, body, who)
        assert answer.status_code == 200, f"{action}: {answer.text}"
        return answer.json()

    async def detail(who: str = ada) -> dict:
        answer = await system.casework.get(f"/api/v1/cases/{case_id}", headers=await system.as_(who))
        assert answer.status_code == 200, answer.text
        return answer.json()

    await step("triage-case", {"note": "fine"}, sam)
    await step("allocate-facilitator", {"facilitator": ada}, sam)
    await step("record-contact-attempt", {"party": "victim", "channel": "phone", "outcome": "reached"})
    await step("confirm-victim-interest", {})
    for party in ("victim", "offender"):
        await step("give-consent", {"party": party, "scope": "participation", "form": "written"})
        await step("complete-risk-assessment", {"party": party, "level": "low",
                                                "review_date": _days(30).date().isoformat()})
    await step("decide-suitability", {"suitable": True})
    scheduled = await step("schedule-conference", {"at": _days(7).isoformat(), "venue": "Community centre",
                                                   "participants": ["victim", "offender"]})
    [made] = scheduled["recorded"]
    conference_id = made["ids"]["conference_id"]
    assert made["event_type"] == "ConferenceScheduled"
    assert (await detail())["work"]["conferences"] == [{"conference_id": conference_id, "status": "scheduled"}]
    conference = [a for a in (await detail())["actions"] if a["action"] == "HoldConference"]
    assert conference and conference[0]["path"].endswith("/hold-conference")
    await step("hold-conference", {"conference_id": conference_id, "held_at": datetime.now(UTC).isoformat()})
    await step("agree-reparation", {"items": [{"kind": "apology", "description": "A letter of apology",
                                               "due": _days(14).date().isoformat()}]})
    await step("complete-follow-up", {"party": "victim", "satisfied": True, "would_recommend": True})
    closed = await step("close-case", {"reason": "completed_direct"})
    assert [r["event_type"] for r in closed["recorded"]] == ["CaseClosed"]

    case = await detail(sam)
    assert case["case"]["status"] == "closed" and case["case"]["closed_reason"] == "completed_direct"
    assert case["case"]["first_contact_at"] is not None and case["case"]["first_contact_working_days_left"] is None
    types = [entry["event_type"] for entry in case["timeline"]]
    assert types[:3] == ["CaseOpened", "CaseTriaged", "FacilitatorAllocated"] and types[-1] == "CaseClosed"
    assert {entry["by"] for entry in case["timeline"][1:]} == {sam, ada}
    assert case["parties"]["victim"]["name"] == "Alex Morgan"

    async def referral_closed():
        answer = await system.referral.get(referral["status_url"], headers={"Authorization": f"Bearer {system.key}"})
        return answer.json()["status"] == "closed" and answer.json()
    assert (await eventually(referral_closed))["outcome"] == "completed: the people met"


async def test_a_facilitator_gets_404_for_a_case_not_theirs_and_a_refusal_names_the_rule(system):
    case_id = (await system.case_of((await system.refer())["referral_id"]))["case_id"]
    await system.act(case_id, "allocate-facilitator", {"facilitator": "ada.advanced"}, "sam.supervisor")
    other = await system.casework.get(f"/api/v1/cases/{case_id}", headers=await system.as_("finn.foundation"))
    assert other.status_code == 404
    assert (await system.act(case_id, "give-rj-information", {"party": "victim"}, "finn.foundation")).status_code == 404
    listed = await system.casework.get("/api/v1/cases", headers=await system.as_("finn.foundation"))
    assert listed.json()["total"] == 0
    too_soon = await system.act(case_id, "schedule-conference", {"at": _days(7).isoformat(), "venue": "Hall",
                                                                 "participants": ["victim", "offender"]},
                                "ada.advanced")
    assert too_soon.status_code == 409 and too_soon.headers["content-type"] == "application/problem+json"
    assert too_soon.json()["type"] == "/problems/not-now"


async def test_two_people_acting_on_one_case_the_second_is_told_what_changed(system):
    case_id = (await system.case_of((await system.refer())["referral_id"]))["case_id"]
    seen = await system.casework.get(f"/api/v1/cases/{case_id}", headers=await system.as_("sam.supervisor"))
    etag = seen.headers["ETag"]
    first = await system.act(case_id, "triage-case", {}, "sam.supervisor", **{"If-Match": etag})
    assert first.status_code == 200
    second = await system.act(case_id, "put-on-hold", {"reason": "waiting"}, "kim.supervisor", **{"If-Match": etag})
    assert second.status_code == 409
    assert second.json()["current"] == {"version": first.json()["version"], "status": "triaged"}


async def test_every_read_of_a_case_by_a_person_is_recorded(system):
    case_id = (await system.case_of((await system.refer())["referral_id"]))["case_id"]
    await system.casework.get(f"/api/v1/cases/{case_id}", headers=await system.as_("sam.supervisor"))
    [read] = await system.runtime.store.read_stream(f"access-{case_id}")
    assert (read.event_type, read.actor.id, read.data["view"]) == ("CaseAccessed", "sam.supervisor", "case")


def _days(n: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=n)


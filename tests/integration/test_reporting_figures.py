"""The commissioners' figures on the real engines: referral and casework record and relay events,
reporting's projection fills its fact tables from the broker, and the quarterly return answers in
JSON, CSV and a spreadsheet with small numbers as "<5" — to commissioners, never to a facilitator
or an auditor."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest

from services.reporting.projections import CASE_FACTS
from shared.contracts import casework as e
from shared.contracts.referral import ReferralAcknowledged, ReferralWithdrawn
from shared.envelope import Cause, new_event, open_event
from shared.eventstore.port import Actor, Position
from shared.projections.base import inbox_table
from shared.projections.rebuild import create_tables
from tests.integration.conftest import runtime_for
from tests.servers import serve
from tests.support import a_referral, eventually, record_referral

LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery staple"
PEOPLE = {"cora.commissioner": "commissioner", "fay.facilitator": "facilitator", "aud.auditor": "auditor",
          "sam.supervisor": "supervisor"}
FACILITATOR = Cause.fresh(Actor("user", "fay.facilitator", "facilitator"))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
async def engines(fresh_database_url, clean_nats_url):
    """Referral and casework running (relays, casework opening cases), reporting served: (base URL,
    reporting's runtime, referral's runtime, casework's runtime)."""
    referral = runtime_for("referral", fresh_database_url, clean_nats_url)
    casework = runtime_for("casework", fresh_database_url, clean_nats_url)
    await referral.start()
    await casework.start()
    try:
        async with serve("reporting", fresh_database_url, clean_nats_url) as (base, app):
            runtime = app.state.runtime
            for username, role in PEOPLE.items():
                level = "advanced" if role in ("facilitator", "supervisor") else None
                await runtime.identity.accounts.add(username, PASSWORD, role=role, level=level)
            yield base, runtime, referral, casework
    finally:
        await casework.stop()
        await referral.stop()


async def on_referral(referral, referral_id: UUID, event, occurred_at: datetime) -> None:
    stream = f"referral-{referral_id}"
    version = len(await referral.store.read_stream(stream)) - 1
    cause = Cause.fresh(Actor("agency", "thames-valley-police", "partner"))
    await referral.store.append(stream, [await new_event(event, cause, referral.keys, occurred_at=occurred_at)],
                                version)


async def on_case(casework, case_id: UUID, *events_at: tuple) -> None:
    stream = f"case-{case_id}"
    await eventually(lambda: casework.store.read_stream(stream), timeout=30)  # casework opened it
    for event, occurred_at in events_at:
        version = len(await casework.store.read_stream(stream)) - 1
        await casework.store.append(stream, [await new_event(event, FACILITATOR, casework.keys,
                                                             occurred_at=occurred_at)], version)


async def a_quarter_of_work(referral, casework) -> tuple[UUID, UUID]:
    """Six police referrals and one self-referral in July 2026; one case goes all the way to a
    conference and a follow-up, one is withdrawn. Returns (the delivered case, the withdrawn case)."""
    made = []
    for day in range(6, 12):
        made.append(await record_referral(referral.store, referral.keys, a_referral(
            reference=f"REF-2026-{day:06}", received_at=at(2026, 7, day, 10))))
    made.append(await record_referral(referral.store, referral.keys, a_referral(
        reference="REF-2026-000099", source="self", agency_id=None, received_at=at(2026, 7, 7, 11))))
    for referral_event in made:
        await on_referral(referral, referral_event.referral_id,
                          ReferralAcknowledged(referral_id=referral_event.referral_id, channel="email"),
                          at(2026, 7, referral_event.received_at.day + 1, 9))
    delivered, withdrawn = made[0], made[1]
    case = e.case_id_for(delivered.referral_id)
    victim = delivered.victim.subject_id
    await on_case(casework, case,
                  (e.FacilitatorAllocated(case_id=case, facilitator="fay.facilitator", level="advanced",
                                          allocated_by="sam.supervisor"), at(2026, 7, 7, 9)),
                  (e.ContactAttempted(case_id=case, subject_id=victim, party="victim", channel="phone",
                                      outcome="reached"), at(2026, 7, 8, 9)),
                  (e.ConsentGiven(case_id=case, consent_id=uuid4(), party="victim", scope="participation",
                                  form="written"), at(2026, 7, 9, 9)),
                  (e.OffenderTraced(case_id=case, through="probation"), at(2026, 7, 9, 10)),
                  (e.ConsentGiven(case_id=case, consent_id=uuid4(), party="offender", scope="participation",
                                  form="written"), at(2026, 7, 10, 9)),
                  (e.ConferenceHeld(case_id=case, conference_id=uuid4(), held_at=at(2026, 7, 20, 14)),
                   at(2026, 7, 20, 16)),
                  (e.CaseClosed(case_id=case, reason="completed_direct", referral_id=delivered.referral_id),
                   at(2026, 7, 24, 9)),
                  (e.FollowUpCompleted(case_id=case, party="victim", satisfied=True, would_recommend=True),
                   at(2026, 7, 27, 9)))
    await on_referral(referral, withdrawn.referral_id,
                      ReferralWithdrawn(referral_id=withdrawn.referral_id, withdrawn_by="victim"), at(2026, 7, 8, 9))
    gone = e.case_id_for(withdrawn.referral_id)
    await on_case(casework, gone, (e.CaseClosed(case_id=gone, reason="victim_withdrew_or_declined",
                                                referral_id=withdrawn.referral_id), at(2026, 7, 9, 9)))
    return case, gone


async def facts_settled(runtime, delivered: UUID, withdrawn: UUID):
    async def check():
        rows = await runtime.pool.fetch("SELECT * FROM reporting.case_facts")
        by_case = {row["case_id"]: row for row in rows}
        done = (len(rows) == 7 and all(r["acknowledged_at"] and r["received_at"] for r in rows)
                and by_case.get(delivered) and by_case[delivered]["closure_reason"] == "completed_direct"
                and by_case.get(withdrawn) and by_case[withdrawn]["withdrawn_at"]
                and by_case[withdrawn]["closure_reason"] == "victim_withdrew_or_declined"
                and await runtime.pool.fetchval("SELECT count(*) FROM reporting.case_follow_ups") == 1)
        return by_case if done else None
    return await eventually(check, timeout=60, every=0.2)


async def token(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def test_the_projection_fills_the_facts_and_the_return_answers_in_three_formats(engines):
    base, runtime, referral, casework = engines
    delivered, withdrawn = await a_quarter_of_work(referral, casework)
    by_case = await facts_settled(runtime, delivered, withdrawn)
    row = by_case[delivered]
    assert row["source"] == "police" and row["area"] == "Buckinghamshire" and row["offence_type"] == "burglary"
    assert row["contacted"] and row["victim_consented"] and row["offender_consented"] and row["delivered_direct"]
    assert row["victim_written_consent"] and row["offender_written_consent"] and not row["delivered_indirect"]
    assert row["delivered_at"] == at(2026, 7, 20, 14) and row["allocated_at"] == at(2026, 7, 7, 9)
    columns = {r["column_name"] for r in await runtime.pool.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'reporting'"
        " AND table_name IN ('case_facts', 'case_follow_ups', 'case_reparation_items')")}
    assert not columns & {"name", "email", "phone", "address", "postcode", "victim", "offender", "note", "reason"}

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        cora = await token(client, "cora.commissioner")
        answer = await client.get("/api/v1/reports/quarterly", params={"quarter": "2026-Q3"}, headers=cora)
        assert answer.status_code == 200, answer.text
        rows = {(r["section"], r["measure"], r["breakdown"], r["period"]): r["value"] for r in answer.json()["rows"]}
        assert rows[("Volume", "Source", "police", "2026-Q3")] == "suppressed"  # 6 of 7 would tell the 1
        assert rows[("Volume", "Source", "self", "2026-Q3")] == "<5"
        assert rows[("Volume", "Source", "All referrals", "2026-07")] == 7
        assert rows[("Timeliness", "Acknowledgement", "cases measured", "2026-Q3")] == 7
        assert rows[("Timeliness", "Acknowledgement", "within 2 working days", "2026-Q3")] == 100.0
        assert rows[("Funnel", "Stage reached", "Delivered: direct", "2026-Q3")] == "<5"
        assert rows[("Funnel", "Closed", "Victim withdrew or declined", "2026-Q3")] == "<5"
        assert rows[("Funnel", "Still open", "", "2026-Q3")] == 5
        assert rows[("Outcomes", "Satisfied with the service", "Victims: yes", "2026-Q3")] in ("<5", "suppressed")

        as_csv = await client.get("/api/v1/reports/quarterly", params={"quarter": "2026-Q3", "format": "csv"},
                                  headers=cora)
        assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
        assert 'filename="rj-quarterly-return-2026-Q3.csv"' in as_csv.headers["content-disposition"]
        parsed = list(csv.DictReader(io.StringIO(as_csv.text)))
        cells = {(r["section"], r["measure"], r["breakdown"], r["period"]): r["value"] for r in parsed}
        assert cells[("Volume", "Source", "self", "2026-Q3")] == "<5"
        assert cells[("Volume", "Source", "police", "2026-Q3")] == "suppressed"

        as_xlsx = await client.get("/api/v1/reports/quarterly", params={"quarter": "2026-Q3", "format": "xlsx"},
                                   headers=cora)
        assert as_xlsx.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content), read_only=True)
        sheet = [tuple(r) for r in book["Return"].iter_rows(values_only=True)]
        assert sheet[1] == ("section", "measure", "breakdown", "period", "value", "unit")
        assert ("Volume", "Source", "self", "2026-Q3", "<5", "referrals") in sheet
        assert ("Volume", "Source", "police", "2026-Q3", "suppressed", "referrals") in sheet
        assert "Definitions" in book.sheetnames

        everything = answer.text + as_csv.text + str(sheet)
        assert "Alex Morgan" not in everything and "alex@example.org" not in everything
        assert "Sam Taylor" not in everything


async def test_only_commissioners_supervisors_and_admins_get_the_return(engines):
    base, *_ = engines
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        url = "/api/v1/reports/quarterly?quarter=2026-Q3"
        nobody = await client.get(url)
        assert nobody.status_code == 401 and nobody.headers["content-type"] == "application/problem+json"
        for username in ("fay.facilitator", "aud.auditor"):
            refused = await client.get(url, headers=await token(client, username))
            assert refused.status_code == 403, username
        assert (await client.get(url, headers=await token(client, "sam.supervisor"))).status_code == 200
        cora = await token(client, "cora.commissioner")
        for bad in ("2026-Q5", "2026", "Q3"):
            wrong = await client.get("/api/v1/reports/quarterly", params={"quarter": bad}, headers=cora)
            assert wrong.status_code == 422 and wrong.headers["content-type"] == "application/problem+json"
            assert wrong.json()["errors"][0]["field"] == "quarter", wrong.text
        wrong = await client.get(url + "&format=pdf", headers=cora)
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "format"
        openapi = (await client.get("/openapi.json")).json()
        operation = openapi["paths"]["/api/v1/reports/quarterly"]["get"]
        assert {"200", "401", "403", "422"} <= set(operation["responses"])
        assert {p["name"] for p in operation["parameters"]} >= {"quarter", "format", "area", "source"}


async def test_the_reports_page_shows_charts_and_tables_to_a_commissioner_and_refuses_a_facilitator(engines):
    base, runtime, referral, casework = engines
    delivered, withdrawn = await a_quarter_of_work(referral, casework)
    await facts_settled(runtime, delivered, withdrawn)
    from tests.integration.test_staff_pages import browser  # signs in through /login with the shared password

    async with (browser(base, "cora.commissioner") as cora, browser(base, "aud.auditor") as auditor,
                browser(base, "fay.facilitator") as fay):
        page = await cora.get("/reports", params={"quarter": "2026-Q3"})
        assert page.status_code == 200, page.text
        assert page.text.count('role="img"') >= 8 and page.text.count("<table") >= 8
        assert "Figures for July to September 2026" in page.text and "&lt;5" in page.text
        assert "Alex Morgan" not in page.text and "alex@example.org" not in page.text
        filtered = await cora.get("/reports", params={"quarter": "2026-Q3", "source": "self"})
        assert "<strong>&lt;5</strong> referrals received" in filtered.text
        assert (await cora.get("/reports", params={"quarter": "2026-Q9"})).status_code == 400
        refused = await fay.get("/reports")
        assert refused.status_code == 403 and "You cannot use these pages" in refused.text
        elsewhere = await auditor.get("/reports")  # not theirs: an auditor lands on the case histories
        assert elsewhere.url.path == "/audit" and elsewhere.history[0].status_code == 303


async def test_the_projection_is_idempotent_and_tolerates_any_order(engines):
    _base, runtime, referral, casework = engines
    delivered, withdrawn = await a_quarter_of_work(referral, casework)
    await facts_settled(runtime, delivered, withdrawn)

    async def all_applied():  # the live read model has every event in the store (reactions add some late)
        stored = await runtime.pool.fetchval("SELECT count(*) FROM eventstore.events")
        applied = await runtime.pool.fetchval(f"SELECT count(*) FROM reporting.{inbox_table(CASE_FACTS)}")
        return stored == applied

    await eventually(all_applied, timeout=30)
    envelopes = [await open_event(r, None) for r in await referral.store.read_all(Position.start(), 10_000)]

    async def replayed(schema: str, order: list) -> list:
        async with runtime.pool.acquire() as conn:
            await create_tables(conn, schema, CASE_FACTS)
            async with conn.transaction():
                await conn.execute(f"SET LOCAL search_path TO {schema}")
                for envelope in order:
                    await CASE_FACTS.apply(conn, envelope)
            return [[dict(r) for r in await conn.fetch(f"SELECT * FROM {schema}.{table} ORDER BY 1, 2")]
                    for table in CASE_FACTS.tables]

    shuffled = envelopes[:]
    random.Random(7).shuffle(shuffled)
    in_order = await replayed("facts_in_order", envelopes)
    assert await replayed("facts_twice", envelopes + envelopes) == in_order
    assert await replayed("facts_shuffled", shuffled) == in_order
    assert await replayed("facts_reversed", envelopes[::-1]) == in_order
    live = [[dict(r) for r in await runtime.pool.fetch(f"SELECT * FROM reporting.{table} ORDER BY 1, 2")]
            for table in CASE_FACTS.tables]
    assert live == in_order

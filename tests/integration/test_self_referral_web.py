"""The victim's self-referral form, served by the real referral app (store, keys, broker and all)."""

from __future__ import annotations

import json
import re
from typing import get_args

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer

from services.referral.domain.submission import OffenceType
from shared.contracts.referral import CriminalJusticeStage
from shared.envelope import open_event
from shared.eventstore.port import Actor, Position
from tests.servers import serve

NAME = "Alex Quinton-Morgan"
VALID = {
    "name": NAME, "dob-day": "2", "dob-month": "3", "dob-year": "1984",
    "channels": ["email", "sms"], "email": "alex@example.org", "phone": "07700 900123",
    "safe_times": "weekdays after 6pm", "may_leave_message": "no", "language": "English", "interpreter_needed": "no",
    "offence_type": "burglary", "offence_date-day": "14", "offence_date-month": "9", "offence_date-year": "2025",
    "area": "Aylesbury", "crime_reference": "43/12345/25", "description": "Our house was broken into.",
    "known_to_victim": "no", "custody_status": "in_custody",
    "criminal_justice_stage": "post_sentence", "hopes": "To ask why our house was chosen.",
}
MISTAKES = {**VALID, "email": "alex at example", "phone": "", "offence_date-year": "2999",
            "dob-day": "31", "dob-month": "2", "area": ""}


@pytest.fixture
async def web(fresh_database_url, clean_nats_url):
    async with (serve("referral", fresh_database_url, clean_nats_url) as (base, app),
                httpx.AsyncClient(base_url=base) as client):
        yield client, app.state.runtime


def csrf_token(page: httpx.Response) -> str:
    """The CSRF token the service put in the page's forms (signed for the visitor's cookie)."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


async def send_form(client: httpx.AsyncClient, answers: dict) -> httpx.Response:
    form = await client.get("/refer/form")  # sets the CSRF cookie
    return await client.post("/refer/form", data={**answers, "csrf_token": csrf_token(form)})


def signed_answers(page: httpx.Response) -> str:
    return re.search(r'name="answers" value="([^"]+)"', page.text).group(1)


async def confirm(client: httpx.AsyncClient, signed: str) -> httpx.Response:
    token = csrf_token(await client.get("/refer/form"))
    return await client.post("/refer/confirm", data={"answers": signed, "csrf_token": token})


async def referrals(runtime) -> list:
    recorded = await runtime.store.read_all(Position.start(), categories=["referral"])
    return [r for r in recorded if r.event_type == "ReferralReceived"]


async def test_the_form_labels_every_question_and_offers_every_offence_type_and_stage(web):
    client, _ = web
    page = await client.get("/refer/form")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "<title>Tell us about you and what happened" in page.text
    assert page.text.count("<h1") == 1
    for field in ("name", "email", "phone", "address", "postcode", "area", "offence_type", "crime_reference"):
        assert f'for="{field}"' in page.text, field
    for legend in ("About you", "How and when it is safe to contact you", "What happened", "The person responsible"):
        assert re.search(rf"<legend[^>]*>\s*(<h1[^>]*>)?\s*{legend}", page.text), legend
    assert 'autocomplete="email"' in page.text and 'autocomplete="bday-day"' in page.text
    offered = set(re.findall(r'<option value="([a-z_]+)"', page.text))
    assert offered == set(get_args(OffenceType))
    assert set(get_args(CriminalJusticeStage)) <= set(re.findall(r'value="([a-z_]+)"', page.text))


async def test_mistakes_are_listed_at_the_top_linked_to_their_fields_and_answers_are_kept(web):
    client, runtime = web
    page = await send_form(client, MISTAKES)
    assert page.status_code == 200
    assert "<title>Error: " in page.text and "There is a problem" in page.text
    summary = dict(re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', page.text))
    assert summary["#email"] == "Enter your email address in the correct format, like name@example.com"
    assert summary["#phone"] == "Enter your phone number, because you chose text messages"
    assert summary["#offence_date-day"] == "Date of the offence must be today or in the past"
    assert summary["#dob-day"] == "Date of birth must be a real date"
    assert summary["#area"] == "Enter where it happened"
    assert 'aria-describedby="email-hint email-error"' in page.text
    assert 'value="alex at example"' in page.text and f'value="{NAME}"' in page.text
    assert await referrals(runtime) == []


async def test_a_victim_refers_themselves_and_gets_a_reference(web):
    client, runtime = web
    check = await send_form(client, VALID)
    assert "Check your answers" in check.text and NAME in check.text
    assert check.headers["cache-control"] == "no-store"
    done = await confirm(client, signed_answers(check))
    assert done.status_code == 303
    assert re.fullmatch(r"/refer/done\?ref=REF-\d{4}-\d{6}", done.headers["location"])
    assert NAME not in done.headers["location"]
    page = await client.get(done.headers["location"])
    reference = done.headers["location"].rsplit("=", 1)[1]
    assert "Referral received" in page.text and reference in page.text

    [recorded] = await referrals(runtime)
    assert recorded.actor == Actor("user", "self-referral", "victim")
    assert NAME not in json.dumps(recorded.data) and "alex@example.org" not in json.dumps(recorded.data)
    event = (await open_event(recorded, runtime.keys)).event
    assert (event.source, event.initiated_by, event.referrer, event.reference) == ("self", "victim", None, reference)
    assert event.victim.name == NAME and event.victim.contact_preferences.channels == ("email", "sms")
    assert event.victim_aware_of_referral is True


async def test_sending_the_same_answers_twice_records_one_referral(web):
    client, runtime = web
    signed = signed_answers(await send_form(client, VALID))
    first, second = await confirm(client, signed), await confirm(client, signed)
    assert first.headers["location"] == second.headers["location"]
    assert len(await referrals(runtime)) == 1


async def test_changing_an_answer_brings_back_the_form_filled_in(web):
    client, _ = web
    signed = signed_answers(await send_form(client, VALID))
    token = csrf_token(await client.get("/refer/form"))
    page = await client.post("/refer/change", data={"answers": signed, "csrf_token": token})
    assert page.status_code == 200
    assert f'value="{NAME}"' in page.text and 'value="07700 900123"' in page.text
    assert re.search(r'value="sms" checked', page.text) and 'value="2025"' in page.text


async def test_answers_changed_in_the_page_are_refused(web):
    client, runtime = web
    signed = signed_answers(await send_form(client, VALID))
    _, body = URLSafeTimedSerializer("not the service's key").loads_unsafe(signed)
    body["answers"]["victim"]["name"] = "Someone Else"
    forged = URLSafeTimedSerializer("not the service's key", salt="self-referral answers").dumps(body)
    signature = signed.rpartition(".")[2]
    spliced = f"{forged.rpartition('.')[0]}.{signature}"  # changed answers under the genuine signature
    for attempt in (forged, spliced):
        refused = await confirm(client, attempt)
        assert refused.status_code == 400 and "could not accept" in refused.text
    assert await referrals(runtime) == []


async def test_answers_kept_past_their_lifetime_are_refused(web, monkeypatch):
    client, runtime = web
    signed = signed_answers(await send_form(client, VALID))
    monkeypatch.setattr("services.referral.web.tokens.ANSWERS_LIFETIME", -1)
    refused = await confirm(client, signed)
    assert refused.status_code == 400
    assert await referrals(runtime) == []


async def test_a_post_without_the_csrf_token_is_refused(web):
    client, runtime = web
    await client.get("/refer/form")
    without_field = await client.post("/refer/form", data=VALID)
    async with httpx.AsyncClient(base_url=str(client.base_url)) as stranger:
        without_cookie = await stranger.post("/refer/form", data={**VALID, "csrf_token": "x" * 43})
    assert without_field.status_code == without_cookie.status_code == 400
    assert "Sorry, we could not accept that form" in without_field.text
    assert await referrals(runtime) == []

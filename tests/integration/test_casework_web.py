"""Casework's pages on the real service (PostgreSQL, NATS, the referral service opening cases):
plain form posts, as a browser without JavaScript sends them, following redirects."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import unescape

import httpx
import pytest

from services.referral.domain.submission import EXAMPLE
from tests.casework_system import PASSWORD, System, casework_system

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.fixture
async def system(fresh_database_url, clean_nats_url) -> AsyncIterator[System]:
    """The referral service (to open cases) and casework, with the people of the API tests."""
    async with casework_system(fresh_database_url, clean_nats_url) as (running, _):
        yield running


def csrf(page: httpx.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def version(page: httpx.Response) -> str:
    return re.search(r'name="expected_version" value="(-?\d+)"', page.text).group(1)


@asynccontextmanager
async def browser(system: System, username: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """A client that keeps cookies and follows redirects, signed in as ``username`` if given."""
    async with httpx.AsyncClient(base_url=system.casework.base_url, follow_redirects=True, timeout=30) as client:
        if username:
            signed = await sign_in(client, username)
            assert signed.status_code == 200 and str(signed.url).endswith("/"), signed.text
        yield client


async def sign_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    form = await client.get("/login")
    return await client.post("/login", data={"username": username, "password": password, "csrf_token": csrf(form)})


async def act(client: httpx.AsyncClient, case_id: str, action: str, data: dict, seen: str | None = None):
    page = await client.get(f"/cases/{case_id}")
    assert page.status_code == 200, page.text
    assert f'action="/cases/{case_id}/{action}"' in page.text, f"{action} is not offered"
    return await client.post(f"/cases/{case_id}/{action}",
                             data={**data, "csrf_token": csrf(page), "expected_version": seen or version(page)})


async def new_case(system: System) -> str:
    return (await system.case_of((await system.refer())["referral_id"]))["case_id"]


def assert_clean(page: httpx.Response) -> None:
    """The strict CSP holds and the page needs nothing it forbids."""
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert not INLINE_SCRIPT.search(page.text) and "<style" not in page.text.lower()
    assert " style=" not in page.text and " onclick=" not in page.text.lower()
    assert '<main class="govuk-main-wrapper' in page.text and "<h1" in page.text


async def test_signing_in_and_out_and_a_failed_sign_in_says_neither_half(system):
    async with browser(system) as client:
        first = await client.get("/cases")
        assert str(first.url).endswith("/login?next=%2Fcases") and first.status_code == 200
        for username, password in (("ada.advanced", "wrong"), ("nobody.here", PASSWORD)):
            refused = await sign_in(client, username, password)
            assert refused.status_code == 401
            assert "Enter a correct username and password" in refused.text and "govuk-error-summary" in refused.text
        assert "My cases" in (await sign_in(client, "ada.advanced")).text
        home = await client.get("/")
        assert (await client.post("/logout", data={})).status_code == 400  # no CSRF token: not signed out
        out = await client.post("/logout", data={"csrf_token": csrf(home)})
        assert "You have signed out" in out.text
        assert "/login" in str((await client.get("/")).url)
    async with browser(system) as auditor:
        page = await sign_in(auditor, "aud.itor")
        assert page.status_code == 403 and "You cannot use casework" in page.text


async def test_a_facilitator_sees_only_their_cases_and_404_for_another(system):
    mine, theirs = await new_case(system), await new_case(system)
    async with (browser(system, "sam.supervisor") as sam, browser(system, "ada.advanced") as ada,
                browser(system, "finn.foundation") as finn):
        for case_id, who in ((mine, "ada.advanced"), (theirs, "finn.foundation")):
            done = await act(sam, case_id, "allocate-facilitator", {"facilitator": who})
            assert "Done: Allocate a facilitator" in done.text
        reference = (await system.case_of(await _referral_of(system, mine)))["reference"]
        assert reference in (await ada.get("/")).text and reference not in (await finn.get("/")).text
        assert (await finn.get(f"/cases/{mine}")).status_code == 404
        assert (await ada.get(f"/cases/{mine}")).status_code == 200


async def _referral_of(system: System, case_id: str) -> str:
    detail = await system.casework.get(f"/api/v1/cases/{case_id}", headers=await system.as_("sam.supervisor"))
    return detail.json()["case"]["referral_id"]


async def test_a_case_is_worked_through_its_forms_without_javascript(system):
    case_id = await new_case(system)
    async with browser(system, "sam.supervisor") as sam, browser(system, "ada.advanced") as ada:
        assert "Done: Triage the case" in (await act(sam, case_id, "triage-case", {"note": "Fine"})).text
        await act(sam, case_id, "allocate-facilitator", {"facilitator": "ada.advanced"})
        contact = await act(ada, case_id, "record-contact-attempt",
                            {"party": "victim", "channel": "phone", "outcome": "reached"})
        assert contact.status_code == 200 and "Done: Record a contact attempt" in contact.text
        page = await act(ada, case_id, "confirm-victim-interest", {})
        assert_clean(page)
        assert "Victim wants to go ahead" in page.text and "moj-timeline" in page.text
        assert "alex.morgan@example.org" in page.text and "weekdays after 6pm" in page.text
        assert f'action="/cases/{case_id}/triage-case"' not in page.text  # not at this stage
        for path in ("/", "/cases", "/login"):
            assert_clean(await sam.get(path))
        listed = await sam.get("/cases", params={"status": "assessing"})
        assert "Assessing" in listed.text and "1 cases" in listed.text


async def test_a_refusal_names_the_rule_and_keeps_what_was_typed(system):
    case_id = await new_case(system)
    async with browser(system, "sam.supervisor") as sam, browser(system, "ada.advanced") as ada:
        await act(sam, case_id, "allocate-facilitator", {"facilitator": "ada.advanced"})
        missing = await act(ada, case_id, "record-contact-attempt", {"channel": "phone", "note": "Rang twice"})
        assert missing.status_code == 422 and "govuk-error-summary" in missing.text
        assert "Who – choose an option" in missing.text and "Rang twice" in missing.text
        assert inline_error(missing, "record-contact-attempt-party") == "Who – choose an option"
        refused = await act(ada, case_id, "give-consent",
                            {"party": "victim", "scope": "information_sharing", "form": "verbal"})
        assert refused.status_code == 422 and "Consent scope:" in refused.text
        assert 'href="#give-consent-agency"' in refused.text
        said = inline_error(refused, "give-consent-agency")
        assert said.startswith("Consent scope: Consent to share information names the agency") and said in summary_of(
            refused)  # the rule's detail only says it again: left out
        assert "consent to share information names the agency it may be shared with" not in refused.text
        assert re.search(r'value="information_sharing" checked', refused.text)


async def test_the_second_of_two_people_sees_what_changed_and_keeps_their_text(system):
    case_id = await new_case(system)
    async with browser(system, "sam.supervisor") as sam, browser(system, "kim.supervisor") as kim:
        seen = version(await sam.get(f"/cases/{case_id}"))
        await act(kim, case_id, "triage-case", {})
        typed = "Waiting for the victim's reply"
        second = await act(sam, case_id, "put-on-hold", {"reason": typed}, seen=seen)
        assert second.status_code == 409
        assert "What changed since you loaded the page" in second.text and "Triaged" in second.text
        assert typed in unescape(second.text) and version(second) != seen
        again = await sam.post(f"/cases/{case_id}/put-on-hold",
                               data={"reason": typed, "csrf_token": csrf(second), "expected_version": version(second)})
        assert "Done: Put the case on hold" in again.text


async def test_a_letter_to_vet_shows_the_victims_details_marked(system):
    case_id = await new_case(system)
    for action, body, who in (("allocate-facilitator", {"facilitator": "ada.advanced"}, "sam.supervisor"),
                              ("confirm-victim-interest", {}, "ada.advanced"),
                              ("decide-suitability", {"suitable": True}, "ada.advanced")):
        assert (await system.act(case_id, action, body, who)).status_code == 200
    async with browser(system, "ada.advanced") as ada:
        letter = "Dear Sam, you can write to me at HP20 1AA or ring 07700 900123. Alex"
        received = await act(ada, case_id, "receive-letter", {"from_party": "victim", "content": letter})
        assert "<mark>HP20 1AA</mark>" in received.text and "<mark>07700 900123</mark>" in received.text
        assert 'id="vet-letter"' in received.text and ">Letter 1 from the victim</option>" in received.text
        assert "Letter 1 from the victim" in received.text.split('id="letters-heading"')[1]
        refused = await act(ada, case_id, "vet-letter", {"letter_id": _letter_id(received), "content": letter})
        assert refused.status_code == 422 and "must not reach the offender" in unescape(refused.text)
        assert 'href="#vet-letter-content"' in refused.text
        said = inline_error(refused, "vet-letter-content")
        assert said in summary_of(refused) and "(still carries the victim's phone number, postcode" in said
        vetted = await act(ada, case_id, "vet-letter", {"letter_id": _letter_id(received),
                                                        "content": "Dear Sam, thank you. Alex"})
        assert "Done: Vet a letter" in vetted.text and "<mark>" not in vetted.text


def inline_error(page: httpx.Response, field_id: str) -> str:
    """The field's own error message (GOV.UK: the summary's text, the form group in its error state)."""
    before, after = page.text.split(f'id="{field_id}-error"', 1)
    assert "govuk-form-group--error" in before.rsplit('<div class="govuk-form-group', 1)[1].split(">")[0]
    return unescape(" ".join(after.split("</p>")[0].split("</span>", 1)[1].split()))


def summary_of(page: httpx.Response) -> str:
    return unescape(" ".join(page.text.split("govuk-error-summary__list")[1].split("</ul>")[0].split()))


def _letter_id(page: httpx.Response) -> str:
    return re.search(r'<option value="([0-9a-f-]{36})"', page.text.split('id="vet-letter"')[1]).group(1)



async def test_a_sensitive_case_offers_only_advanced_facilitators_to_lead_it(system):
    document = {**EXAMPLE, "offence": {**EXAMPLE["offence"], "offence_type": "sexual_offence"}}
    case_id = (await system.case_of((await system.refer(document))["referral_id"]))["case_id"]
    async with browser(system, "sam.supervisor") as sam:
        page = await sam.get(f"/cases/{case_id}")
        summary = unescape(" ".join(page.text.split('id="summary-heading"')[1].split("</dl>")[0].split()))
        for key, words in (("Offence", "Sexual offence"), ("Referred by", "Police"),
                           ("Criminal justice stage", "After sentence"), ("Asked for by", "Victim")):
            assert f"{key}</dt> <dd class=\"govuk-summary-list__value rj-pre-line\">{words}</dd>" in summary, key
        assert "sexual_offence" not in summary and "Flagged sensitive" in page.text
        lead = page.text.split('id="allocate-facilitator-facilitator"')[1].split("</select>")[0]
        assert 'value="ada.advanced"' in lead and 'value="finn.foundation"' not in lead
        co = page.text.split('id="allocate-facilitator-co_facilitator"')[1].split("</select>")[0]
        assert 'value="finn.foundation"' in co


async def test_failed_sign_ins_from_an_address_are_throttled_and_the_right_password_elsewhere_works(system):
    async with browser(system) as client:
        for n in range(10):
            assert (await sign_in(client, "ada.advanced", f"wrong {n}")).status_code == 401
        for username in ("ada.advanced", "sam.supervisor"):  # the right password waits too, from this address
            throttled = await sign_in(client, username)
            assert throttled.status_code == 429 and 1 <= int(throttled.headers["retry-after"]) <= 60
            assert "too many failed attempts to sign in" in unescape(throttled.text)
            assert "govuk-error-summary" in throttled.text and "/login" in str(throttled.url)
        token = await client.post("/api/v1/auth/token", json={"username": "sam.supervisor", "password": PASSWORD})
        assert token.status_code == 429 and token.headers["retry-after"]
    elsewhere = httpx.AsyncHTTPTransport(local_address="127.0.0.2")  # another address on the loopback
    async with httpx.AsyncClient(base_url=system.casework.base_url, transport=elsewhere, follow_redirects=True,
                                 timeout=30) as other:
        signed = await sign_in(other, "ada.advanced")
        assert signed.status_code == 200 and "My cases" in signed.text


async def test_the_overview_lists_open_cases_to_allocate_and_possible_duplicates_from_their_queries(system):
    first = await new_case(system)
    second = (await system.case_of((await system.refer())["referral_id"]))
    assert second["possible_duplicate_of"] == first
    assert (await system.act(first, "allocate-facilitator", {"facilitator": "ada.advanced"},
                             "sam.supervisor")).status_code == 200
    assert (await system.act(second["case_id"], "put-on-hold", {"reason": "Waiting"}, "sam.supervisor")).status_code \
        == 200
    async with browser(system, "sam.supervisor") as sam:
        overview = (await sam.get("/")).text
        to_allocate, duplicates = (overview.split(caption)[1].split("</table>")[0] for caption in
                                   ("Cases to allocate (1)", "Possible duplicates to merge or keep apart (1)"))
        assert second["reference"] in to_allocate and second["case_id"] in duplicates  # on hold, still listed
        assert f"/cases/{first}" not in to_allocate and f"/cases/{first}" not in duplicates
        await act(sam, second["case_id"], "resume", {})
        await act(sam, second["case_id"], "keep-apart", {"reason": "Different incidents"})
        after = (await sam.get("/")).text
        assert "No possible duplicates." in after and "Cases to allocate (1)" in after


async def test_a_message_for_the_offender_with_the_victims_details_is_refused_marked_and_kept(system):
    case_id = await new_case(system)
    steps = [("allocate-facilitator", {"facilitator": "ada.advanced"}, "sam.supervisor"),
             ("confirm-victim-interest", {}, "ada.advanced")]
    for party in ("victim", "offender"):
        steps += [("give-consent", {"party": party, "scope": "participation", "form": "written"}, "ada.advanced"),
                  ("complete-risk-assessment", {"party": party, "level": "low", "review_date": "2099-01-01"},
                   "ada.advanced")]
    steps.append(("decide-suitability", {"suitable": True}, "ada.advanced"))
    for action, body, who in steps:
        assert (answer := await system.act(case_id, action, body, who)).status_code == 200, (action, answer.text)
    text = "Alex would like a reply: write to HP20 1AA or ring 07700 900123"
    async with browser(system, "ada.advanced") as ada:
        refused = await act(ada, case_id, "deliver-shuttle-message",
                            {"direction": "victim_to_offender", "medium": "spoken", "summary": text})
        assert refused.status_code == 422 and "must not reach the offender" in unescape(refused.text)
        assert 'href="#deliver-shuttle-message-summary"' in refused.text
        form = refused.text.split('id="deliver-shuttle-message"')[1].split("</form>")[0]
        assert "carries the victim's phone number, postcode" in unescape(form)
        assert "<mark>HP20 1AA</mark>" in form and "<mark>07700 900123</mark>" in form
        assert text in unescape(form)  # what was typed is kept, to correct
        assert 'id="messages"' not in refused.text  # nothing was delivered
        back = await act(ada, case_id, "deliver-shuttle-message",
                         {"direction": "offender_to_victim", "medium": "written", "summary": "Sam is sorry"})
        done = await act(ada, case_id, "deliver-shuttle-message",
                         {"direction": "victim_to_offender", "medium": "spoken", "summary": "Alex accepts"})
        assert "Done: Record a shuttle message delivered" in back.text and "Done:" in done.text
        messages = done.text.split('id="messages"')[1].split("</section>")[0]
        assert "Alex accepts" in messages and "Sam is sorry" in messages and "<mark>" not in messages
        offender = done.text.split(">Offender</h3>")[1].split("</dl>")[0]
        for detail in ("HP20 1AA", "07700 900123", "alex.morgan@example.org", "Acacia"):
            assert detail not in messages and detail not in offender

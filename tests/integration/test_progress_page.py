"""The victim's progress page (/progress/<token>) on the real referral app, with casework's runtime
opening the case and the case's later events appended to the store as casework would."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid5

import httpx
import pytest

from services.referral.adapters import agencies
from services.referral.domain.commands import RevokeProgressLink
from services.referral.domain.submission import EXAMPLE
from services.referral.handlers import handle
from services.referral.web.progress import link_key, progress_link
from shared.contracts.casework import CaseClosed, FacilitatorAllocated, ProcessChosen
from shared.crypto.derive import purpose_key
from shared.crypto.links import sign_link
from shared.envelope import Cause, new_event
from shared.eventstore.port import Actor
from shared.identity.contact import sealed_contact
from tests.integration.conftest import runtime_for
from tests.servers import serve
from tests.support import eventually

OFFENDER = ("Sam Taylor", "offender", "in_community")
SUPERVISOR = Actor("user", "sam", "supervisor")


@pytest.fixture
async def site(fresh_database_url, clean_nats_url):
    casework = runtime_for("casework", fresh_database_url, clean_nats_url)
    await casework.start()
    try:
        async with (serve("referral", fresh_database_url, clean_nats_url) as (base, app),
                    httpx.AsyncClient(base_url=base) as client):
            runtime = app.state.runtime
            _, key = await agencies.add(runtime.pool, "Thames Valley Police")
            made = await client.post("/api/v1/referrals", json=EXAMPLE, headers={"Authorization": f"Bearer {key}"})
            assert made.status_code == 201, made.text
            yield client, app, casework, UUID(made.json()["referral_id"])
    finally:
        await casework.stop()


async def views(runtime, referral_id: UUID) -> list:
    return await runtime.store.read_stream(f"progress-{referral_id}")


async def stage_becomes(client, link: str, stage: str) -> httpx.Response:
    async def shown():
        page = await client.get(link)
        return page if f"{stage.capitalize()} (this is where you are)" in page.text else None
    return await eventually(shown, timeout=30)


async def as_casework(casework, referral_id: UUID, event) -> None:
    stream = f"case-{uuid5(referral_id, 'case')}"
    version = len(await casework.store.read_stream(stream)) - 1
    await casework.store.append(stream, [await new_event(event, Cause.fresh(SUPERVISOR), casework.keys)], version)


async def test_the_victim_sees_the_broad_stage_move_and_nothing_of_the_other_party(site):
    client, app, casework, referral_id = site
    runtime = app.state.runtime
    link = progress_link(runtime.settings, referral_id)
    page = await client.get(link)
    assert page.status_code == 200
    assert "Your referral" in page.text and "We have your referral" in page.text
    assert runtime.settings.contact_phone in page.text
    assert not any(word in page.text.lower() for word in ("sam taylor", "offender", "alex morgan"))
    assert page.headers["cache-control"] == "no-store"
    assert "script-src" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text) and " style=" not in page.text

    case_id = uuid5(referral_id, "case")
    await eventually(lambda: casework.store.read_stream(f"case-{case_id}"), timeout=30)  # casework opened it
    await as_casework(casework, referral_id, FacilitatorAllocated(
        case_id=case_id, facilitator="ada", level="advanced", allocated_by="sam"))
    page = await stage_becomes(client, link, "with a facilitator")
    assert "A facilitator is looking after your case" in page.text
    assert "Your facilitator is" not in page.text  # no account called ada: nobody to name
    accounts = runtime.identity.accounts
    await accounts.add("ada", "a long enough password", role="facilitator", level="advanced",
                       display_name="Ada Facilitator")
    assert "Your facilitator is Ada Facilitator." in (await client.get(link)).text
    await accounts.set_contact("ada", await sealed_contact("ada", "ada@rj.example.org", runtime.keys))
    page = await client.get(link)
    assert 'href="mailto:ada@rj.example.org"' in page.text and "ask for them" in page.text
    await accounts.disable("ada")  # left the service: not offered any more
    assert "Ada Facilitator" not in (await client.get(link)).text
    await as_casework(casework, referral_id, ProcessChosen(case_id=case_id, process="letters"))
    page = await stage_becomes(client, link, "preparing")
    assert "letters" not in page.text.lower()
    await as_casework(casework, referral_id, CaseClosed(case_id=case_id, reason="offender_declined_or_withdrew",
                                                        referral_id=referral_id))
    page = await stage_becomes(client, link, "closed")
    assert "declined" not in page.text.lower() and "offender" not in page.text.lower()


async def test_each_view_is_recorded_apart_from_the_referral(site):
    client, app, _, referral_id = site
    runtime = app.state.runtime
    link = progress_link(runtime.settings, referral_id)
    version = len(await runtime.store.read_stream(f"referral-{referral_id}"))
    for count in (1, 2, 3):
        assert (await client.get(link)).status_code == 200
        recorded = await views(runtime, referral_id)
        assert len(recorded) == count
    assert {(r.event_type, r.actor.role) for r in recorded} == {("ProgressPageViewed", "victim")}
    assert len(await runtime.store.read_stream(f"referral-{referral_id}")) == version


async def test_expired_forged_and_revoked_links_no_longer_work(site):
    client, app, _, referral_id = site
    runtime = app.state.runtime
    key = link_key(runtime.settings)
    expired = sign_link(key, referral_id, lifetime=timedelta(days=180), now=datetime.now(UTC) - timedelta(days=181))
    other_purpose = sign_link(purpose_key(runtime.settings.kek(), "self-referral signed answers"), referral_id)
    link = progress_link(runtime.settings, referral_id)
    assert (await client.get(link)).status_code == 200
    await handle(RevokeProgressLink(referral_id, "the victim's phone was lost", "sam"), Cause.fresh(SUPERVISOR),
                 app.state.dependencies)
    for gone in (f"/progress/{expired}", f"/progress/{other_purpose}", "/progress/made-up", link):
        page = await client.get(gone)
        assert page.status_code == 410, gone
        assert "This link no longer works" in page.text and runtime.settings.contact_email in page.text
        assert "Your referral" not in page.text
    assert len(await views(runtime, referral_id)) == 1  # only the view before the revocation

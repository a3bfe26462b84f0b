"""The staff pages of the referral and notifications services pass axe-core's WCAG 2.2 A and AA
rules in each state that shows something different: signing in (and failing to), the revoke form
(empty, with its error summary, done), the 403 page, the email caught and the failed notifications."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from services.notifications.adapters.mailcatcher import MailCatcher
from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE
from shared.contracts.notifications import NotificationFailed
from shared.embedded.ports import free_port
from shared.envelope import Cause, new_event
from shared.eventstore.port import Actor
from tests.e2e.test_self_referral_accessibility import violations
from tests.integration.test_staff_pages import PASSWORD, a_message, add_people, send_mail
from tests.servers import serve


@pytest.fixture
async def staff_sites(fresh_database_url: str, clean_nats_url: str, tmp_path: Path):
    """Both services with people, one referral, one caught email and one failure: (referral URL,
    its reference, notifications URL)."""
    folder = tmp_path / "mail"
    async with AsyncExitStack() as stack:
        catcher = stack.enter_context(MailCatcher(folder, free_port()))
        referral_base, referral = await stack.enter_async_context(
            serve("referral", fresh_database_url, clean_nats_url))
        notifications_base, notifications = await stack.enter_async_context(
            serve("notifications", fresh_database_url, clean_nats_url, mail_folder=str(folder)))
        await add_people(referral.state.runtime)  # one identity schema: the accounts serve both services
        _, key = await agencies.add(referral.state.runtime.pool, "Thames Valley Police")
        async with httpx.AsyncClient(base_url=referral_base) as client:
            made = await client.post("/api/v1/referrals", json=EXAMPLE, headers={"Authorization": f"Bearer {key}"})
        await asyncio.to_thread(send_mail, catcher, [a_message("We have received your referral (REF-2026-000001)",
                                                               "Hello Alex,\n\nThank you.", html="<p>Hello</p>")])
        runtime = notifications.state.runtime
        failed = NotificationFailed(notification_id=uuid4(), source_event_id=uuid4(), recipient_role="victim",
                                    recipient_id=str(uuid4()), template="acknowledgement_to_victim", channel="email",
                                    reason="550 mailbox unavailable", attempt=2, permanent=True)
        await runtime.store.append(f"notification-{failed.notification_id}", [await new_event(
            failed, Cause.fresh(Actor("service", "notifications", "system")), runtime.keys)], None)
        yield referral_base, made.json()["reference"], notifications_base


async def sign_in(browser: Browser, base: str, username: str, password: str = PASSWORD) -> Page:
    page = await (await browser.new_context(base_url=base)).new_page()
    await page.goto("/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    return page


async def test_the_staff_pages_have_no_wcag_aa_violations(staff_sites, browser: Browser, artifacts: Path):
    referral_base, reference, notifications_base = staff_sites
    found: dict[str, list[str]] = {}

    async def check(page: Page, state: str) -> None:
        found[state] = await violations(page)
        await page.screenshot(path=artifacts / f"staff-{state.replace(' ', '-')}.png", full_page=True)

    failed = await sign_in(browser, referral_base, "sam.supervisor", "wrong")
    await expect(failed.locator(".govuk-error-summary")).to_contain_text("Enter a correct username and password")
    await check(failed, "sign in failed")
    sam = await sign_in(browser, referral_base, "sam.supervisor")
    await expect(sam.get_by_role("heading", level=1)).to_have_text("Revoke a victim's progress links")
    await check(sam, "revoke form")
    await sam.get_by_label("Referral reference number").fill("REF-2026-999999")
    await sam.get_by_role("button", name="Revoke the links").click()
    await expect(sam.locator(".govuk-error-summary")).to_contain_text("Enter why the links are revoked")
    await check(sam, "revoke form with errors")
    await sam.get_by_label("Referral reference number").fill(reference)
    await sam.get_by_label("Why are you revoking the links?").fill("The letter went to the wrong address")
    await sam.get_by_role("button", name="Revoke the links").click()
    await expect(sam.get_by_role("heading", level=1)).to_have_text("Progress links revoked")
    await check(sam, "links revoked")
    ada = await sign_in(browser, referral_base, "ada.advanced")
    await expect(ada.get_by_role("heading", level=1)).to_have_text("You cannot use these pages")
    await check(ada, "not allowed")

    adam = await sign_in(browser, notifications_base, "adam.admin")
    await expect(adam.get_by_role("heading", level=1)).to_have_text("Email caught")
    await expect(adam.locator(".govuk-summary-card")).to_contain_text("Hello Alex")
    await check(adam, "mail")
    await adam.get_by_role("link", name="Failed notifications").click()
    await expect(adam.get_by_role("heading", level=1)).to_have_text("Failed notifications")
    for _ in range(100):  # the failure reaches the read model through the broker
        if await adam.get_by_text("550 mailbox unavailable").count():
            break
        await asyncio.sleep(0.2)
        await adam.reload()
    await expect(adam.get_by_role("table")).to_contain_text("550 mailbox unavailable")
    await check(adam, "failures")
    assert {state: v for state, v in found.items() if v} == {}

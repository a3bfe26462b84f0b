"""An auditor reads a case's verified history in Chromium: signs in at reporting's /login (sent there
from /audit), finds the case by its reference, reads the events and replays the state as at a
moment; a commissioner asking for the same page is told it does not exist. axe-core finds no
WCAG 2.2 A or AA violation on any of it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from playwright.async_api import Browser, Page, expect

from tests.e2e.test_self_referral_accessibility import violations
from tests.integration.test_audit_pages import ORDER, PAGE, PASSWORD, REFERENCE, case  # noqa: F401  (a fixture)


async def sign_in_from(browser: Browser, base: str, username: str, path: str) -> Page:
    """Ask for ``path``, be sent to sign in, sign in, and be sent back."""
    page = await (await browser.new_context(base_url=base)).new_page()
    await page.goto(path)
    await expect(page).to_have_url(f"{base}/login?next={quote(path, safe='')}")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    return page


async def test_an_auditor_reads_a_case_history_and_a_commissioner_is_told_it_does_not_exist(
        case, browser: Browser, artifacts: Path):  # noqa: F811  (the fixture imported above)
    found: dict[str, list[str]] = {}

    async def check(page: Page, state: str) -> None:
        found[state] = await violations(page)
        await page.screenshot(path=artifacts / f"audit-{state.replace(' ', '-')}.png", full_page=True)

    auditor = await sign_in_from(browser, case.base, "aud.itor", "/audit")
    await expect(auditor.get_by_role("heading", level=1)).to_have_text("Audit a case's history")
    await check(auditor, "find a case")
    await auditor.get_by_label("Case reference").fill("RJ-2026-999999")
    await auditor.get_by_role("button", name="Show the history").click()
    await expect(auditor.locator(".govuk-error-summary")).to_contain_text("There is no case with that reference")
    await check(auditor, "no such case")
    await auditor.get_by_label("Case reference").fill(REFERENCE)
    await auditor.get_by_role("button", name="Show the history").click()
    await expect(auditor.get_by_role("heading", level=1)).to_have_text(f"History of case {REFERENCE}")
    await expect(auditor.locator(".rj-audit-events .rj-event-type")).to_have_text(ORDER)
    await expect(auditor.locator(".rj-audit-events .govuk-tag")).to_have_text(["verified"] * len(ORDER))
    await expect(auditor.locator("#event-3")).to_contain_text("sam.supervisor (supervisor)")
    await expect(auditor.get_by_text("Alex Morgan")).to_have_count(0)
    await auditor.locator("#event-2 summary").click()
    await expect(auditor.locator("#event-2 .govuk-details__text")).to_contain_text("sealed")
    await check(auditor, "history")

    await auditor.get_by_label("Show the state as at").fill("2026-01-01T09:00")
    await auditor.get_by_role("button", name="Show the state").click()
    await expect(auditor.get_by_role("heading", level=2, name="State as at 1 January 2026, 09:00:00")).to_be_visible()
    await expect(auditor.get_by_text("Replayed from 0 of the case's events.")).to_be_visible()
    await check(auditor, "state as at")
    await auditor.goto(f"{PAGE}?at=soon")
    await expect(auditor.locator(".govuk-error-summary")).to_contain_text("Enter a date and time")
    await check(auditor, "moment not understood")
    assert [audit.data["view"] for audit in await case.audits()] == ["page"] * 3

    commissioner = await sign_in_from(browser, case.base, "cara.commissioner", PAGE)
    await expect(commissioner.get_by_role("heading", level=1)).to_have_text("Page not found")
    answer = await commissioner.goto(PAGE)
    assert answer is not None and answer.status == 404
    await expect(commissioner.get_by_text(REFERENCE)).to_have_count(0)
    await check(commissioner, "not found")
    assert len(await case.audits()) == 3
    assert {state: v for state, v in found.items() if v} == {}

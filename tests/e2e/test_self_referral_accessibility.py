"""Every page of the self-referral journey passes axe-core's WCAG 2.2 A and AA rules, including
the error state, which is where forms most often fail people using assistive technology."""

from __future__ import annotations

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page

from tests.e2e.test_self_referral_form import correct_and_send, fill_with_mistakes, start

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
           "resultTypes": ["violations"]}


async def violations(page: Page) -> list[str]:
    results = await Axe().run(page, options=WCAG_AA)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} element(s), e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"]]


async def test_each_page_of_the_journey_has_no_wcag_aa_violations(referral_site: str, browser: Browser):
    page = await (await browser.new_context()).new_page()
    found: dict[str, list[str]] = {}
    await page.goto(f"{referral_site}/refer")
    found["start"] = await violations(page)
    await start(page, referral_site)
    found["form"] = await violations(page)
    await fill_with_mistakes(page)
    found["form with errors"] = await violations(page)
    await page.get_by_label("Email address").fill("alex@example.org")
    await page.get_by_label("Phone number").fill("07700 900123")
    await page.locator("#offence_date-year").fill("2025")
    await page.get_by_role("button", name="Continue").click()
    found["check answers"] = await violations(page)
    await page.get_by_role("button", name="Change about you").click()
    await correct_and_send(page)
    found["confirmation"] = await violations(page)
    assert {name: v for name, v in found.items() if v} == {}

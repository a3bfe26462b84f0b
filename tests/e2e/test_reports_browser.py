"""A commissioner signs in to the reporting service in Chromium, reads the quarter's figures — SVG
charts each with its table, small numbers as "<5", nobody's name or contact details — and the page
passes axe-core's WCAG 2.2 A and AA rules, as does the page a facilitator is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.test_self_referral_accessibility import violations
from tests.e2e.test_staff_pages_accessibility import sign_in
from tests.integration.conftest import runtime_for
from tests.integration.test_reporting_figures import PASSWORD, PEOPLE, a_quarter_of_work, facts_settled
from tests.servers import serve


@pytest.fixture
async def reports_site(fresh_database_url: str, clean_nats_url: str):
    """Reporting served with a quarter of work projected: its base URL."""
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
            await facts_settled(runtime, *await a_quarter_of_work(referral, casework))
            yield base
    finally:
        await casework.stop()
        await referral.stop()


async def test_a_commissioner_reads_the_figures_as_charts_and_tables(reports_site: str, browser: Browser,
                                                                     artifacts: Path):
    page = await sign_in(browser, reports_site, "cora.commissioner")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Figures for")
    await page.get_by_label("Quarter", exact=True).select_option("2026-Q3")
    await page.get_by_role("button", name="Show figures").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Figures for July to September 2026")
    charts = page.locator("svg[role=img]")
    assert await charts.count() >= 8
    for n in range(await charts.count()):
        assert await charts.nth(n).locator("title").count() == 1
    await expect(page.get_by_role("img", name="Referrals by source, July to September 2026")).to_be_visible()
    source = page.get_by_role("table", name="Referrals by source: the figures")
    await expect(source.get_by_role("row", name="Police")).to_contain_text("suppressed")  # 6 of 7 tells the 1
    await expect(source.get_by_role("row", name="Self")).to_contain_text("<5")
    text = await page.locator("body").inner_text()
    for personal in ("Alex Morgan", "alex@example.org", "07700 900123", "HP20 1AA", "Sam Taylor"):
        assert personal not in text and personal not in await page.content()
    await page.screenshot(path=artifacts / "reports-commissioner.png", full_page=True)
    found = {"reports": await violations(page)}

    await page.get_by_label("Source", exact=True).select_option("self")
    await page.get_by_role("button", name="Show figures").click()
    await expect(page.locator(".govuk-inset-text")).to_contain_text("<5 referrals received")
    found["reports filtered"] = await violations(page)

    auditor = await sign_in(browser, reports_site, "aud.auditor")
    await auditor.goto("/reports")  # the reports are not theirs: they land on their own pages
    assert auditor.url.endswith("/audit")
    facilitator = await sign_in(browser, reports_site, "fay.facilitator")
    response = await facilitator.goto("/reports")
    assert response is not None and response.status == 403
    await expect(facilitator.get_by_role("heading", level=1)).to_have_text("You cannot use these pages")
    found["refused"] = await violations(facilitator)
    assert {state: v for state, v in found.items() if v} == {}

"""The victim's progress page and its "no longer works" page pass axe-core's WCAG 2.2 A and AA
rules, and read the same with JavaScript off."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import httpx
import pytest
from playwright.async_api import Browser

from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE
from services.referral.web.progress import progress_link
from tests.e2e.test_self_referral_accessibility import violations
from tests.servers import serve


@pytest.fixture
async def progress_site(fresh_database_url: str, clean_nats_url: str):
    async with (serve("referral", fresh_database_url, clean_nats_url) as (base, app),
                httpx.AsyncClient(base_url=base) as client):
        _, key = await agencies.add(app.state.runtime.pool, "Thames Valley Police")
        made = await client.post("/api/v1/referrals", json=EXAMPLE, headers={"Authorization": f"Bearer {key}"})
        yield base, progress_link(app.state.runtime.settings, UUID(made.json()["referral_id"]))


async def test_the_progress_pages_have_no_wcag_aa_violations(progress_site, browser: Browser, artifacts: Path):
    base, link = progress_site
    found: dict[str, list[str]] = {}
    for javascript in (True, False):
        page = await (await browser.new_context(java_script_enabled=javascript)).new_page()
        await page.goto(base + link)
        assert await page.get_by_role("heading", level=1).inner_text() == "Your referral"
        assert await page.locator("#next-step").is_visible()
        if javascript:
            found["progress"] = await violations(page)
            await page.screenshot(path=artifacts / "progress-page.png", full_page=True)
            await page.goto(base + "/progress/no-such-link")
            assert await page.get_by_role("heading", level=1).inner_text() == "This link no longer works"
            found["link gone"] = await violations(page)
    assert {name: v for name, v in found.items() if v} == {}

"""In a real browser, under the services' Content-Security-Policy: the self-referral pages run their
JavaScript and break no rule of the policy, and the API docs render from the service alone."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect


def watch(page: Page, base: str) -> tuple[list[str], list[str]]:
    """Collect the policy violations the page reports and every response from another origin."""
    violations: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("response", lambda response: elsewhere.append(response.url)  # fetched, not just tried
            if not response.url.startswith((base, "data:", "blob:")) else None)
    return violations, elsewhere


async def test_the_self_referral_pages_break_no_rule_of_the_policy_and_their_javascript_runs(
        referral_site: str, browser: Browser):
    page = await (await browser.new_context()).new_page()
    violations, elsewhere = watch(page, referral_site)
    await page.goto(f"{referral_site}/refer")
    # GOV.UK Frontend's start-of-body script (now a file) and its components ran:
    await expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b.*\bgovuk-frontend-supported\b"))
    await expect(page.locator(".govuk-exit-this-page__indicator")).to_have_count(1)  # made by its script
    await page.get_by_role("button", name="Start now").click()
    await expect(page).to_have_title(re.compile(r"^Tell us about you and what happened"))
    await page.get_by_role("button", name="Continue").click()  # errors: the error summary's script runs
    await expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert violations == [] and elsewhere == []


async def test_the_api_docs_render_from_the_service_alone(referral_site: str, browser: Browser):
    page = await (await browser.new_context()).new_page()
    violations, elsewhere = watch(page, referral_site)
    await page.goto(f"{referral_site}/docs")
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text("Referral service")
    await expect(page.get_by_text("/api/v1/referrals").first).to_be_visible()
    await page.goto(f"{referral_site}/redoc")
    await expect(page.locator("redoc h1, [role=main] h1").first).to_contain_text("Referral service")
    assert elsewhere == []
    # ReDoc's "powered by" logo points at its CDN: the policy blocks it, and that is all it blocks.
    assert all(re.match(r"Loading the image 'https://cdn\.redoc\.ly/.*violates .*img-src", v) for v in violations), \
        violations

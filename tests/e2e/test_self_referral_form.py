"""A victim refers themselves in a real browser, with JavaScript on and with it off."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, Page, expect

REFERENCE = re.compile(r"REF-\d{4}-\d{6}")


async def start(page: Page, base: str, screenshot: Path | None = None) -> None:
    await page.goto(f"{base}/refer")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ask for restorative justice")
    if screenshot:
        await page.screenshot(path=screenshot, full_page=True)
    await page.get_by_role("button", name="Start now").click()
    await expect(page).to_have_title(re.compile(r"^Tell us about you and what happened"))


async def fill_with_mistakes(page: Page) -> None:
    """A form filled in carefully except for a bad email, a missing phone and a future date."""
    await page.get_by_label("Full name").fill("Alex Morgan")
    await page.get_by_role("checkbox", name="Email", exact=True).check()
    await page.get_by_role("checkbox", name="Phone call", exact=True).check()
    await page.get_by_label("Email address").fill("alex at example")
    await page.get_by_label("What kind of crime was it?").select_option("burglary")
    for part, value in (("day", "14"), ("month", "9"), ("year", "2999")):
        await page.locator(f"#offence_date-{part}").fill(value)
    await page.get_by_label("Where did it happen?").fill("Aylesbury")
    await page.locator("#known_to_victim-2").check()
    await page.get_by_role("radio", name="Someone has been sentenced").check()
    await page.get_by_role("button", name="Continue").click()


async def see_the_errors(page: Page) -> None:
    await expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_contain_text("There is a problem")
    await expect(summary).to_contain_text("Enter your email address in the correct format, like name@example.com")
    await expect(summary).to_contain_text("Enter your phone number, because you chose phone calls")
    await expect(summary).to_contain_text("Date of the offence must be today or in the past")
    await expect(page.get_by_label("Email address")).to_have_value("alex at example")  # kept as typed


async def correct_and_send(page: Page) -> str:
    await page.get_by_label("Email address").fill("alex@example.org")
    await page.get_by_label("Phone number").fill("07700 900123")
    await page.locator("#offence_date-year").fill("2025")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your referral")
    await expect(page.locator("main")).to_contain_text("alex@example.org")
    await page.get_by_role("button", name="Send referral").click()
    await expect(page.locator(".govuk-panel__title")).to_have_text("Referral received")
    reference = await page.locator("#reference").inner_text()
    assert REFERENCE.fullmatch(reference), reference
    return reference


async def test_a_victim_corrects_their_mistakes_and_gets_a_reference(referral_site: str, browser: Browser,
                                                                      artifacts: Path):
    page = await (await browser.new_context()).new_page()
    await start(page, referral_site, artifacts / "self-referral-start.png")
    await fill_with_mistakes(page)
    await see_the_errors(page)
    await page.screenshot(path=artifacts / "self-referral-errors.png", full_page=True)

    for link, field in (("Enter your email address", "#email"), ("Enter your phone number", "#phone"),
                        ("Date of the offence", "#offence_date-day")):
        await page.locator(".govuk-error-summary").get_by_role("link", name=link).click()
        await expect(page.locator(field)).to_be_focused()

    reference = await correct_and_send(page)
    await page.screenshot(path=artifacts / "self-referral-confirmation.png", full_page=True)
    assert reference in await page.locator("main").inner_text()


async def test_changing_an_answer_keeps_the_others(referral_site: str, browser: Browser, artifacts: Path):
    page = await (await browser.new_context()).new_page()
    await start(page, referral_site)
    await fill_with_mistakes(page)
    await page.get_by_label("Email address").fill("alex@example.org")
    await page.get_by_label("Phone number").fill("07700 900123")
    await page.locator("#offence_date-year").fill("2025")
    await page.get_by_role("button", name="Continue").click()
    await page.screenshot(path=artifacts / "self-referral-check-answers.png", full_page=True)

    await page.get_by_role("button", name="Change about you").click()
    await expect(page.get_by_label("Full name")).to_have_value("Alex Morgan")
    await expect(page.get_by_label("Email address")).to_have_value("alex@example.org")
    await page.get_by_label("Full name").fill("Alex J Morgan")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.locator("main")).to_contain_text("Alex J Morgan")


async def test_the_whole_form_works_without_javascript(referral_site: str, browser: Browser, artifacts: Path):
    page = await (await browser.new_context(java_script_enabled=False)).new_page()
    await start(page, referral_site)
    await expect(page.get_by_label("Their name (optional)")).to_be_visible()
    await fill_with_mistakes(page)
    await see_the_errors(page)
    await page.screenshot(path=artifacts / "self-referral-errors-no-js.png", full_page=True)
    link = page.locator(".govuk-error-summary").get_by_role("link", name="Enter your email address")
    await expect(link).to_have_attribute("href", "#email")
    await correct_and_send(page)
    await page.screenshot(path=artifacts / "self-referral-confirmation-no-js.png", full_page=True)

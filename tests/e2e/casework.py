"""Casework in a real browser: the referral service (to open cases) and casework served on free
ports, with the people of the API tests; signing in at /login and working a case's forms as a
person does, by their labels."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from services.referral.domain.submission import EXAMPLE
from tests.casework_system import PASSWORD, PEOPLE, System, casework_system

SENSITIVE = {**EXAMPLE, "offence": {**EXAMPLE["offence"], "offence_type": "sexual_offence"}}
HOMES = {"supervisor": "Overview", "facilitator": "My cases"}


@dataclass
class Casework:
    """The running services: ``base`` is casework's URL, ``system`` its API (and the referral's)."""

    base: str
    system: System

    async def new_case(self, document: dict | None = None) -> str:
        """A case opened from a referral posted to the referral service; its id once casework lists it."""
        return (await self.system.case_of((await self.system.refer(document))["referral_id"]))["case_id"]

    async def act(self, case_id: str, action: str, body: dict, who: str) -> None:
        """An action through the JSON API, to set a case up quickly."""
        answer = await self.system.act(case_id, action, body, who)
        assert answer.status_code == 200, f"{action}: {answer.text}"


@pytest.fixture
async def casework(fresh_database_url: str, clean_nats_url: str) -> AsyncIterator[Casework]:
    async with casework_system(fresh_database_url, clean_nats_url) as (running, base):
        yield Casework(base, running)


async def sign_in(browser: Browser, base: str, username: str, *, javascript: bool = True) -> Page:
    """A new browser (its own cookies) signed in at /login as ``username``, on their home page."""
    context = await browser.new_context(base_url=base, java_script_enabled=javascript)
    page = await context.new_page()
    await page.goto("/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(HOMES[PEOPLE[username][0]])
    return page


def action_form(page: Page, path: str) -> Locator:
    """An action's form on the case page (inside its ``details``, by the action's path)."""
    return page.locator(f"details#{path}")


async def open_form(page: Page, path: str) -> Locator:
    """Open an action's collapsed form, as a person does, by clicking its summary."""
    form = action_form(page, path)
    await expect(form).to_have_count(1)
    if await form.get_attribute("open") is None:
        await form.locator("summary").click()
    await expect(form.locator("form")).to_be_visible()
    return form


async def send(page: Page, path: str, title: str) -> None:
    """Send an action's form with its button (named as the action) and see it done."""
    await action_form(page, path).get_by_role("button", name=title, exact=True).click()
    await expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"Done: {title}")


def case_path(case_id: str) -> re.Pattern[str]:
    return re.compile(rf"/cases/{case_id}(\?.*)?$")

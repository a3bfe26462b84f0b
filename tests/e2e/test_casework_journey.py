"""One sensitive case walked through casework's pages in real Chromium, from allocation to closure,
by the people who work it: a supervisor allocates it (only advanced-level facilitators may lead),
the facilitator makes contact, records both parties' written consent and both risk assessments
and asks for sign-off, a second supervisor (not the one on the case) signs it off, and the
facilitator schedules and holds a conference, records the reparation agreed and the follow-up,
and closes the case. After every step the case page's MOJ timeline shows the new entry at once
(read-your-writes), and a screenshot is saved. A facilitator not on the case gets 404 for it.

The same journey runs with JavaScript on and with it off: the pages are forms and links first,
htmx and GOV.UK Frontend's scripts only an enhancement."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.casework import SENSITIVE, Casework, action_form, case_path, open_form, send, sign_in

UK = ZoneInfo("Europe/London")
SAM, KIM, ADA, FINN = "sam.supervisor", "kim.supervisor", "ada.advanced", "finn.foundation"


# -- what a person does in a form, by the words they read -----------------------------------------

@dataclass(frozen=True)
class Type:
    label: str
    value: str


@dataclass(frozen=True)
class Pick:
    """An option of a radio group (``group`` is its legend)."""

    group: str
    option: str


@dataclass(frozen=True)
class Choose:
    """An option of a drop-down; ``option=None`` is the first one after "Choose"."""

    label: str
    option: str | None


@dataclass(frozen=True)
class Within:
    """Fields inside a fieldset (a reparation item), by its legend."""

    legend: str
    fields: tuple[Type | Pick | Choose, ...]


Answer = Type | Pick | Choose | Within


async def answer(scope: Locator, what: Answer) -> None:
    match what:
        case Type(label, value):
            await scope.get_by_label(label).fill(value)
        case Pick(group, option):
            await scope.get_by_role("group", name=group).get_by_label(option, exact=True).check()
        case Choose(label, None):
            await scope.get_by_label(label).select_option(index=1)
        case Choose(label, option):
            await scope.get_by_label(label).select_option(label=option)
        case Within(legend, fields):
            for each in fields:
                await answer(scope.get_by_role("group", name=legend, exact=True), each)


# -- the journey -----------------------------------------------------------------------------------

@dataclass
class Journey:
    casework: Casework
    browser: Browser
    javascript: bool
    folder: Path
    case_id: str = ""
    timeline: list[tuple[str, str]] = field(default_factory=list)
    """What the case page's timeline should show, newest first: (title, byline)."""
    shots: int = 0
    policy_violations: list[str] = field(default_factory=list)

    who: dict[Page, str] = field(default_factory=dict)

    async def person(self, username: str) -> Page:
        """Someone signs in, in their own browser; GOV.UK Frontend's scripts run only with JavaScript."""
        page = await sign_in(self.browser, self.casework.base, username, javascript=self.javascript)
        page.on("console", lambda message: self.policy_violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        supported = re.compile(r"\bgovuk-frontend-supported\b")
        await (expect(page.locator("body")).to_have_class(supported) if self.javascript
               else expect(page.locator("body")).not_to_have_class(supported))
        self.who[page] = username
        return page

    async def screenshot(self, page: Page, name: str) -> None:
        self.shots += 1
        await page.screenshot(path=self.folder / f"{self.shots:02d}-{name}.png", full_page=True)

    async def see_timeline(self, page: Page) -> None:
        """The timeline as the page was served (read once, no waiting): every entry, newest first."""
        assert await self.timeline_on(page) == self.timeline

    @staticmethod
    async def timeline_on(page: Page) -> list[tuple[str, str]]:
        items = page.locator(".moj-timeline__item")
        titles = await items.locator(".moj-timeline__title").all_inner_texts()
        bylines = await items.locator(".moj-timeline__byline").all_inner_texts()
        return list(zip(titles, bylines, strict=True))

    async def step(self, page: Page, name: str, path: str, title: str, answers: tuple[Answer, ...],
                   *entries: str, status: str | None = None) -> None:
        """Open an action's form, answer it, send it; the page shows it done, the case's status,
        and the timeline with the new entries (``entries``, newest first, by the signed-in person)."""
        form = await open_form(page, path)
        for each in answers:
            await answer(form, each)
        await send(page, path, title)
        await expect(page).to_have_url(case_path(self.case_id))
        self.timeline[:0] = [(entry, f"by {self.who[page]}") for entry in entries]
        await self.see_timeline(page)
        if status:
            await expect(page.get_by_role("heading", level=1).locator(".govuk-tag")).to_have_text(status)
        await self.screenshot(page, name)

    async def open_case_from(self, page: Page, table: str) -> None:
        """Find the case in a list on the person's home page, as served (the list's read model has
        what was just done: read-your-writes), and follow its link to the case page."""
        link = page.locator("table", has=page.locator("caption", has_text=table)).get_by_role(
            "link", name=await self.reference())
        assert await link.count() == 1, f"the case is not under {table!r}"
        await link.click()
        await expect(page).to_have_url(case_path(self.case_id))
        if not self.timeline:  # the case as the service opened it from the referral
            self.timeline = await self.timeline_on(page)
            assert [title for title, _ in self.timeline] == ["Flagged sensitive", "Case opened"], self.timeline
        await self.see_timeline(page)

    async def reference(self) -> str:
        detail = await self.casework.system.casework.get(f"/api/v1/cases/{self.case_id}",
                                                         headers=await self.casework.system.as_(SAM))
        return detail.json()["case"]["reference"]


async def walk(journey: Journey) -> None:
    casework = journey.casework
    journey.case_id = await casework.new_case(SENSITIVE)
    today = datetime.now(UK)

    # The supervisor signs in and finds the new, sensitive case among the cases to allocate.
    sam = await journey.person(SAM)
    await journey.screenshot(sam, "overview")
    await journey.open_case_from(sam, "Cases to allocate")
    await expect(sam.get_by_role("heading", level=1)).to_contain_text("Sensitive")
    await journey.screenshot(sam, "referred")

    # Allocation: only advanced-level practitioners may lead a sensitive case; anyone may co-work it.
    form = await open_form(sam, "allocate-facilitator")
    lead = await form.get_by_label("Lead facilitator").locator("option").all_inner_texts()
    co = await form.get_by_label("Co-facilitator").locator("option").all_inner_texts()
    assert lead[0] == "Choose" and sorted(lead[1:]) == [f"{ADA} (Advanced)", f"{KIM} (Advanced)", f"{SAM} (Advanced)"]
    assert f"{FINN} (Foundation)" in co and f"{ADA} (Advanced)" in co, co
    await journey.step(sam, "allocated", "allocate-facilitator", "Allocate a facilitator",
                       (Choose("Lead facilitator", f"{ADA} (Advanced)"), Choose("Co-facilitator", f"{SAM} (Advanced)")),
                       "Facilitator allocated", status="Contacting")

    # A facilitator not on the case: it is not among theirs, and its page does not exist for them.
    finn = await journey.person(FINN)
    await expect(finn.locator("main")).to_contain_text("No cases are allocated to you.")
    missing = await finn.goto(f"/cases/{journey.case_id}")
    assert missing is not None and missing.status == 404
    await expect(finn.get_by_role("heading", level=1)).to_have_text("Page not found")
    await journey.screenshot(finn, "not-on-the-case-404")

    # The lead facilitator finds it among their cases, and makes contact.
    ada = await journey.person(ADA)
    await journey.open_case_from(ada, "My cases")
    await journey.step(ada, "contact", "record-contact-attempt", "Record a contact attempt",
                       (Pick("Who", "Victim"), Pick("How", "Phone"), Pick("Outcome", "Reached")),
                       "Contact attempted")
    await journey.step(ada, "victim-interest", "confirm-victim-interest", "Record that the victim wants to go ahead",
                       (), "Victim wants to go ahead", status="Assessing")

    # Consent and risk assessments of both parties.
    for party in ("Victim", "Offender"):
        await journey.step(ada, f"consent-{party.lower()}", "give-consent", "Record consent",
                           (Pick("Who", party), Pick("Consent to", "Taking part"), Pick("Form of consent", "Written")),
                           "Consent given")
    for party, level in (("Victim", "Low"), ("Offender", "Medium")):
        await journey.step(ada, f"risk-{party.lower()}", "complete-risk-assessment", "Complete a risk assessment",
                           (Pick("Who", party), Pick("Risk level", level),
                            Type("Review by", f"{today + timedelta(days=30):%Y-%m-%d}")),
                           "Risk assessment completed")
    await journey.step(ada, "suitable", "decide-suitability", "Decide suitability",
                       (Pick("Is the case suitable for restorative justice?", "Yes"),), "Suitability decided",
                       status="Preparing")

    # Sign-off: asked for by the facilitator. The supervisor who works the case (the co-facilitator)
    # is not offered it: another supervisor signs it off.
    await journey.step(ada, "sign-off-requested", "request-sign-off", "Ask a supervisor to sign off",
                       (Type("Note", "Both parties assessed; ready for a conference."),), "Sign-off requested",
                       status="Awaiting sign-off")
    await expect(summary_row(ada, "Sign-off")).to_have_text(re.compile(r"Sign-off\s+Requested"))
    await sam.reload()
    await expect(action_form(sam, "grant-sign-off")).to_have_count(0)
    await expect(action_form(sam, "refuse-sign-off")).to_have_count(0)
    await journey.screenshot(sam, "sign-off-not-offered-to-own-supervisor")

    kim = await journey.person(KIM)
    await journey.open_case_from(kim, "Sign-off requests")
    await journey.step(kim, "signed-off", "grant-sign-off", "Sign off the case", (), "Signed off", status="Preparing")
    await expect(summary_row(kim, "Sign-off")).to_have_text(re.compile(r"Sign-off\s+Granted"))

    # The conference, scheduled and held; what was agreed; the follow-up; the case closed.
    await ada.reload()
    await journey.see_timeline(ada)
    await journey.step(ada, "conference-scheduled", "schedule-conference", "Schedule a conference",
                       (Type("Date and time", f"{today + timedelta(days=7):%Y-%m-%d}T10:30"),
                        Type("Venue", "Aylesbury community centre"), Type("Participants", "victim\noffender")),
                       "Conference scheduled", status="Delivering")
    # The test cannot wait a week: the conference is recorded as held an hour ago.
    await journey.step(ada, "conference-held", "hold-conference", "Record that a conference was held",
                       (Choose("Conference", None), Type("Held at", f"{today - timedelta(hours=1):%Y-%m-%dT%H:%M}")),
                       "Conference held")
    await journey.step(ada, "reparation-agreed", "agree-reparation", "Record a reparation agreement",
                       (Within("Item 1", (Pick("Kind", "Apology"), Type("Description", "A letter of apology"),
                                          Type("Due by", f"{today + timedelta(days=14):%Y-%m-%d}"))),),
                       "Reparation agreed", status="Monitoring")
    await journey.step(ada, "follow-up", "complete-follow-up", "Record a follow-up",
                       (Pick("Who", "Victim"), Pick("Satisfied with the service?", "Yes"),
                        Pick("Would recommend it?", "Yes")),
                       "Follow-up completed", status="Follow-up")
    await journey.step(ada, "closed", "close-case", "Close the case",
                       (Choose("Why the case is closing", "Completed: the people met"),), "Closed", status="Closed")
    closed_because = re.compile(r"Closed because\s+Completed: the people met")
    await expect(summary_row(ada, "Closed because")).to_have_text(closed_because)


def summary_row(page: Page, key: str) -> Locator:
    return page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=key))


@pytest.mark.timeout(180)
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
async def test_a_sensitive_case_from_allocation_to_closure(casework: Casework, browser: Browser, artifacts: Path,
                                                           javascript: bool):
    folder = artifacts / ("casework-journey" if javascript else "casework-journey-nojs")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    journey = Journey(casework, browser, javascript, folder)
    await walk(journey)
    assert journey.policy_violations == []

"""Every page of casework's web UI passes axe-core's WCAG 2.2 A and AA rules, in each state that
shows something different: signing in (and failing to), a facilitator's cases, a supervisor's
overview and every case with filters, the case page as it opens, with every action's form open,
with the error summary after a mistake and after a rule's refusal, after someone else acted
meanwhile, with a letter to vet whose identifying details are marked, and the 403 and 404 pages.

The pages the test renders are recorded by template: every page template (a file in
``services/casework/web/templates`` not starting with ``_``) must have been checked, so that a
new page cannot escape the test. Violations are printed and written to
``test-artifacts/casework-accessibility/violations.txt``, with a screenshot of each state."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, expect

from services.casework.web import pages
from tests.casework_system import PASSWORD
from tests.e2e.casework import SENSITIVE, Casework, action_form, open_form, sign_in

TEMPLATES = Path(pages.__file__).parent / "templates"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
           "resultTypes": ["violations"]}
SAM, KIM, ADA, FINN, AUDITOR = "sam.supervisor", "kim.supervisor", "ada.advanced", "finn.foundation", "aud.itor"
LETTER = "Dear Sam, you can write to me at HP20 1AA or ring 07700 900123. Alex"


class Audit:
    """axe-core run on each state of a page, its violations kept by state, in words people can act on."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.found: dict[str, list[dict[str, Any]]] = {}
        self.checked: list[str] = []

    async def check(self, page: Page, state: str) -> None:
        results = await Axe().run(page, options=WCAG_AA)
        self.found[state] = results.response["violations"]
        self.checked.append(state)
        name = "".join(ch if ch.isalnum() else "-" for ch in state.lower()).strip("-")
        await page.screenshot(path=self.folder / f"{len(self.checked):02d}-{name}.png", full_page=True)

    def report(self) -> str:
        lines = []
        for state, violations in self.found.items():
            for v in violations:
                lines.append(f"{state}: {v['id']} ({v['impact']}): {v['help']} – {v['helpUrl']}")
                for node in v["nodes"][:5]:
                    lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
                    lines.append(f"      {node['html'][:300]}")
                if len(v["nodes"]) > 5:
                    lines.append(f"    … and {len(v['nodes']) - 5} more element(s)")
        return "\n".join(lines)


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates casework renders as pages during the test (the app runs in this process)."""
    names: list[str] = []
    respond = pages.PAGES.TemplateResponse

    def recording(request, name, *args, **kwargs):
        names.append(name)
        return respond(request, name, *args, **kwargs)

    monkeypatch.setattr(pages.PAGES, "TemplateResponse", recording)
    return names


async def open_every_form(page: Page) -> int:
    """Open every action's collapsed form, as someone looking through them would."""
    summaries = page.locator("#actions details:not([open]) > summary")
    count = await summaries.count()
    for _ in range(count):
        await summaries.nth(0).click()  # the list shrinks as each opens
    await expect(page.locator("#actions details:not([open])")).to_have_count(0)
    return count


async def set_up(casework: Casework) -> tuple[str, str]:
    """Two sensitive cases: one just referred; one a facilitator works, waiting for sign-off, with a
    letter from the victim that carries their postcode and phone number."""
    referred = await casework.new_case(SENSITIVE)
    worked = await casework.new_case(SENSITIVE)
    await casework.act(worked, "allocate-facilitator", {"facilitator": ADA}, SAM)
    for action, body in (("confirm-victim-interest", {}), ("decide-suitability", {"suitable": True}),
                         ("request-sign-off", {"note": "Ready once both parties consent."}),
                         ("receive-letter", {"from_party": "victim", "content": LETTER})):
        await casework.act(worked, action, body, ADA)
    return referred, worked


@pytest.mark.timeout(180)
async def test_every_casework_page_in_every_state_has_no_wcag_aa_violations(
        casework: Casework, browser: Browser, artifacts: Path, rendered: list[str]):
    folder = artifacts / "casework-accessibility"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        old.unlink()
    audit = Audit(folder)
    referred, worked = await set_up(casework)

    # Signing in: the empty form, a failed attempt, signing out.
    page = await (await browser.new_context(base_url=casework.base)).new_page()
    await page.goto("/login")
    await audit.check(page, "login")
    await page.get_by_label("Username").fill(ADA)
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct username and password")
    await audit.check(page, "login, failed")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    await audit.check(page, "my cases")

    # The facilitator's case: a letter to vet, its identifying details marked, then the vetting refused.
    await page.goto(f"/cases/{worked}")
    await expect(page.locator("main mark").first).to_be_visible()
    await audit.check(page, "case, letter received")
    await open_form(page, "vet-letter")
    await expect(action_form(page, "vet-letter").get_by_label("The letter as it may be delivered",
                                                              exact=False)).to_have_value(LETTER)
    await audit.check(page, "case, vet-letter form")
    await action_form(page, "vet-letter").get_by_role("button", name="Vet a letter").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("must not reach the offender")
    await audit.check(page, "case, vetting refused")
    await open_every_form(page)
    await audit.check(page, "case, facilitator's forms all open")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")
    await audit.check(page, "login, signed out")

    # The supervisor: the overview, every case with filters, the referred case in its states.
    sam = await sign_in(browser, casework.base, SAM)
    await expect(sam.locator("main")).to_contain_text("Cases to allocate")
    await audit.check(sam, "overview")
    await sam.get_by_role("link", name="All cases", exact=True).click()
    await audit.check(sam, "all cases")
    await sam.get_by_label("Status").select_option(label="Awaiting sign-off")
    await sam.get_by_label("Sensitive", exact=True).select_option(label="Sensitive")
    await sam.get_by_role("button", name="Apply filters").click()
    await expect(sam).to_have_url(re.compile(r"status=awaiting_sign_off"))
    await expect(sam.locator("#results table")).to_have_count(1)
    await audit.check(sam, "all cases, filtered")
    await sam.goto("/cases?status=closed&overdue=yes&area=Nowhere")
    await expect(sam.locator("#results")).to_contain_text("No cases match these filters.")
    await audit.check(sam, "all cases, none match")

    await sam.goto(f"/cases/{referred}")
    await audit.check(sam, "case, referred")
    forms = await open_every_form(sam)
    assert forms > 5
    await audit.check(sam, "case, referred, every form open")
    await sam.reload()
    allocate = await open_form(sam, "allocate-facilitator")
    await allocate.get_by_role("button", name="Allocate a facilitator").click()
    await expect(sam.locator(".govuk-error-summary")).to_contain_text("Lead facilitator – choose an option")
    await audit.check(sam, "case, a mistake in a form")
    allocate = action_form(sam, "allocate-facilitator")
    await allocate.get_by_label("Lead facilitator").select_option(label=f"{ADA} (Advanced)")
    await allocate.get_by_label("Co-facilitator").select_option(label=f"{ADA} (Advanced)")
    await allocate.get_by_role("button", name="Allocate a facilitator").click()
    await expect(sam.locator(".govuk-error-summary")).to_contain_text("Only a facilitator can be allocated")
    await audit.check(sam, "case, a rule refuses")

    # Someone else acts meanwhile: the page says what changed and keeps what was typed.
    await sam.goto(f"/cases/{referred}")
    await casework.act(referred, "triage-case", {"note": "Checked"}, KIM)
    hold = await open_form(sam, "put-on-hold")
    await hold.get_by_label("Reason").fill("Waiting for the victim's reply")
    await hold.get_by_role("button", name="Put the case on hold").click()
    await expect(sam.locator("#changes")).to_contain_text("Triaged")
    await audit.check(sam, "case, changed meanwhile")

    # The 404 and 403 pages.
    finn = await sign_in(browser, casework.base, FINN)
    missing = await finn.goto(f"/cases/{referred}")
    assert missing is not None and missing.status == 404
    await audit.check(finn, "404, not their case")
    auditor = await (await browser.new_context(base_url=casework.base)).new_page()
    await auditor.goto("/login")
    await auditor.get_by_label("Username").fill(AUDITOR)
    await auditor.get_by_label("Password").fill(PASSWORD)
    await auditor.get_by_role("button", name="Sign in").click()
    await expect(auditor.get_by_role("heading", level=1)).to_have_text("You cannot use casework")
    await audit.check(auditor, "403, not a caseworker")

    report = audit.report()
    (folder / "violations.txt").write_text(report + "\n" if report else "No violations.\n")
    if report:
        print(report)
    unchecked = {p.name for p in TEMPLATES.glob("*.html") if not p.name.startswith("_")} - set(rendered)
    violations = {state: [v["id"] for v in found] for state, found in audit.found.items() if found}
    assert (violations, unchecked) == ({}, set()), \
        f"{report}\npage templates no state of this test renders: {sorted(unchecked)}"

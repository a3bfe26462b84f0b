"""End to end on `rj up`: a victim refers themselves in a browser with an email address; the
acknowledgement lands in the local mail catcher, and the private link it carries opens their
progress page (and a second, forged link does not).

``RJ_CONTACT_HOURS`` is set to the whole day so that the test does not depend on the hour it runs
at: by default the service sends nothing between 21:00 and 08:00, and the acknowledgement would wait.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from services.notifications.adapters.mailcatcher import caught_messages
from tests.e2e.test_rj_up import RJ, stop, wait_for_services
from tests.e2e.test_self_referral_form import correct_and_send, fill_with_mistakes, start
from tests.support import eventually

LINK = re.compile(r"http://127\.0\.0\.1:\d+/progress/[A-Za-z0-9_.\-]+")


def up(folder: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RJ_")} | {"RJ_CONTACT_HOURS": "00:00-23:59"}
    return subprocess.Popen([*RJ, "--data-dir", str(folder), "up"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.timeout(600)
async def test_a_self_referral_s_acknowledgement_is_caught_and_its_link_opens_the_progress_page(
        tmp_path: Path, browser: Browser, artifacts: Path):
    folder = tmp_path / "var"
    process = up(folder)
    try:
        system = wait_for_services(folder, process)
        page = await (await browser.new_context()).new_page()
        await start(page, system["referral"])
        await fill_with_mistakes(page)
        reference = await correct_and_send(page)

        async def acknowledged():
            return [m for m in caught_messages(folder / "mail") if "alex@example.org" in m.to]

        [message] = await eventually(acknowledged, timeout=60)
        assert reference in message.subject and message.text.startswith("Dear Alex,")
        assert "Morgan" not in message.text  # the template says the first name, and nothing else of theirs
        [link] = LINK.findall(message.text)
        assert link.startswith(f"{system['referral']}/progress/") and link in message.html

        await page.goto(link)
        await expect(page.get_by_role("heading", level=1)).to_have_text("Your referral")
        await expect(page.locator("main")).to_contain_text(reference)
        await page.screenshot(path=artifacts / "progress-page-from-the-acknowledgement.png", full_page=True)
        forged = await page.goto(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"))
        assert forged.status == 410

        # The demo supervisor reads what was sent on the notifications service's staff page.
        password = json.loads((folder / "secrets" / "demo-logins.json").read_text())["demo.supervisor"]
        staff = await (await browser.new_context(base_url=system["notifications"])).new_page()
        await staff.goto("/mail")
        await staff.get_by_label("Username").fill("demo.supervisor")
        await staff.get_by_label("Password").fill(password)
        await staff.get_by_role("button", name="Sign in").click()
        await expect(staff.locator("main")).to_contain_text(message.subject)
        await expect(staff.locator("main")).to_contain_text("alex@example.org")
    finally:
        stop(process)

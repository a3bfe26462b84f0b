"""Notifications beside the real referral and casework services, on real PostgreSQL, NATS and an
SMTP server: what a case's people hear as a facilitator works it through the API — the referrer's
acknowledgement, the allocation (to the facilitator and to the victim), the conference (to the victim
and the facilitator taking part; a supporter, with no details on record, is suppressed under a hash
of their name) and its move."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from services.referral.domain.submission import EXAMPLE
from shared.identity.contact import sealed_contact
from tests.casework_system import casework_system
from tests.integration.conftest import runtime_for
from tests.smtp import Inbox, smtp_server
from tests.support import eventually

STAFF = {"ada.advanced": "ada@rj.example.org", "sam.supervisor": "sam@rj.example.org"}


@pytest.fixture
def inbox():
    with smtp_server(Inbox()) as running:
        yield running


def _days(n: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=n)).replace(hour=14, minute=0, second=0, microsecond=0)


async def test_the_people_of_a_case_hear_what_concerns_them(fresh_database_url, clean_nats_url, inbox):
    mail, port = inbox
    notifications = runtime_for("notifications", fresh_database_url, clean_nats_url, smtp_host="127.0.0.1",
                                smtp_port=port, smtp_tls="none", contact_hours="00:00-23:59", timer_interval=0.2,
                                casework_url="https://casework.example.org")
    async with casework_system(fresh_database_url, clean_nats_url) as (system, _):
        await notifications.start()
        try:
            for username, address in STAFF.items():
                await system.runtime.identity.accounts.set_contact(
                    username, await sealed_contact(username, address, notifications.keys))
            document = copy.deepcopy(EXAMPLE)
            document["victim"]["contact_preferences"]["safe_times"] = None  # any time: the test runs at any hour
            case_id = (await system.case_of((await system.refer(document))["referral_id"]))["case_id"]

            async def step(action: str, body: dict, who: str = "ada.advanced") -> dict:
                answer = await system.act(case_id, action, body, who)
                assert answer.status_code == 200, f"{action}: {answer.text}"
                return answer.json()

            await step("triage-case", {"note": "fine"}, "sam.supervisor")
            await step("allocate-facilitator", {"facilitator": "ada.advanced"}, "sam.supervisor")
            await step("record-contact-attempt", {"party": "victim", "channel": "phone", "outcome": "reached"})
            await step("confirm-victim-interest", {})
            for party in ("victim", "offender"):
                await step("give-consent", {"party": party, "scope": "participation", "form": "written"})
                await step("complete-risk-assessment", {"party": party, "level": "low",
                                                        "review_date": _days(30).date().isoformat()})
            await step("decide-suitability", {"suitable": True})
            scheduled = await step("schedule-conference", {
                "at": _days(7).isoformat(), "venue": "Community centre",
                "participants": ["victim", "ada.advanced", "Jo Supporter"]})
            conference_id = scheduled["recorded"][0]["ids"]["conference_id"]
            await step("reschedule-conference", {"conference_id": conference_id, "at": _days(9).isoformat()})

            async def everyone_told():
                return (len(mail.subjects("alex.morgan@example.org")) >= 3
                        and len(mail.subjects("ada@rj.example.org")) >= 3 and mail.subjects("jo.evans@police.example"))

            await eventually(everyone_told, timeout=30)
            victim = mail.subjects("alex.morgan@example.org")
            assert victim[0].startswith("Your facilitator (") and "restorative justice meeting" in victim[1]
            assert victim[2] == "Your restorative justice meeting has moved"
            assert mail.subjects("ada@rj.example.org")[0].startswith("Case allocated to you: ")
            assert len(mail.subjects("ada@rj.example.org")) == 3  # allocated, scheduled, moved
            [(_, moved)] = [(r, m) for r, m in mail.messages
                            if "ada@rj.example.org" in r and m["Subject"].endswith("has moved")]
            said = moved.get_body(("plain",)).get_content()
            assert f"{_days(7):%-d %B %Y}" in said and f"{_days(9):%-d %B %Y} at" in said
            rows = await notifications.pool.fetch(
                "SELECT data::text AS data FROM eventstore.events WHERE stream_id LIKE 'notification-%'"
                " AND event_type = 'NotificationSuppressed'")
            assert len(rows) >= 2 and all("Jo Supporter" not in row["data"] for row in rows)
            assert any('"recipient_id": "participant-' in row["data"] for row in rows)
        finally:
            await notifications.stop()

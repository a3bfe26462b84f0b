"""Notifications end to end on real PostgreSQL and NATS, with a real SMTP server on a free port: an
agency's referral is acknowledged by one email however often its event arrives, and the Victims'
Code timers (first-contact reminder, deadline missed) fire once across a restart of the service."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.notifications.domain.timers import idempotency_key
from services.notifications.handlers.firing import fire_due
from services.notifications.handlers.reactions import ScheduleNotifications
from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE
from shared.envelope import open_event
from shared.identity.accounts import Accounts
from shared.identity.contact import sealed_contact
from tests.integration.conftest import runtime_for
from tests.servers import serve
from tests.smtp import Inbox, smtp_server
from tests.support import eventually


@pytest.fixture
def smtp():
    with smtp_server(Inbox()) as running:
        yield running


async def started(database_url, nats_url, port, now):
    runtime = runtime_for("notifications", database_url, nats_url, smtp_host="127.0.0.1", smtp_port=port,
                          smtp_tls="none", smtp_from_address="RJ <rj@example.org>", timer_interval=0.2)
    await runtime.start()
    runtime.dependencies.clock.set(now)
    return runtime


async def post_referral(base, pool):
    _, key = await agencies.add(pool, "Thames Valley Police")
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/api/v1/referrals", json=EXAMPLE, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201, response.text
    return response.json()


async def kinds(runtime, key):
    return [e.event_type for e in await runtime.store.read_stream(f"notification-{key}")]


NOON = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)  # within civil hours


async def test_an_agency_referral_is_acknowledged_once_by_email(fresh_database_url, clean_nats_url, smtp):
    catcher, port = smtp
    runtime = await started(fresh_database_url, clean_nats_url, port, NOON)
    try:
        async with serve("referral", fresh_database_url, clean_nats_url) as (base, app):
            referral = await post_referral(base, app.state.runtime.pool)
            await eventually(catcher.caught)
            [envelope] = catcher.envelopes
            assert envelope.rcpt_tos == ["jo.evans@police.example"]
            message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            assert message["Subject"] == f"Referral received: {referral['reference']} (your reference 43/12345/26)"
            assert referral["reference"] in message.get_body(("plain",)).get_content()

            # The same event again, even with its timers lost: the notification's stream says it was sent.
            [recorded] = await runtime.store.read_stream(f"referral-{referral['referral_id']}")
            await runtime.pool.execute("DELETE FROM notifications.timers")
            await ScheduleNotifications().react(await open_event(recorded, runtime.keys), runtime.dependencies)
            await fire_due(runtime.dependencies)
            key = idempotency_key(recorded.event_id, message_recipient(recorded), "acknowledgement_to_agency")
            assert await kinds(runtime, key) == ["NotificationSent"]
            assert len(catcher.envelopes) == 1
    finally:
        await runtime.stop()


def message_recipient(recorded) -> str:
    return recorded.data["referrer"]["subject_id"]


async def test_first_contact_timers_fire_once_across_a_restart(fresh_database_url, clean_nats_url, smtp):
    catcher, port = smtp
    runtime = await started(fresh_database_url, clean_nats_url, port, NOON)
    try:
        async with serve("referral", fresh_database_url, clean_nats_url) as (base, app):
            referral = await post_referral(base, app.state.runtime.pool)
            await eventually(catcher.caught)
    finally:
        await runtime.stop()
    [recorded] = await runtime_store_read(fresh_database_url, clean_nats_url, referral["referral_id"])
    await add_supervisor(fresh_database_url, clean_nats_url)
    missed = idempotency_key(recorded.event_id, "supervisor", "deadline_missed")
    reminder = idempotency_key(recorded.event_id, "facilitator", "first_contact_reminder")

    later = NOON + timedelta(days=10)
    for _restart in range(2):  # the timers are rows: a new process fires them, and a third fires nothing
        runtime = await started(fresh_database_url, clean_nats_url, port, later)
        try:
            runtime.dependencies.wake.set()
            async def both_recorded(runtime=runtime):
                return [await kinds(runtime, missed), await kinds(runtime, reminder)] == [
                    ["DeadlineMissed", "NotificationSent"], ["ReminderRaised", "NotificationSent"]]

            await eventually(both_recorded)
            await fire_due(runtime.dependencies, later + timedelta(days=1))
            assert await kinds(runtime, missed) == ["DeadlineMissed", "NotificationSent"]
            assert await kinds(runtime, reminder) == ["ReminderRaised", "NotificationSent"]
        finally:
            await runtime.stop()
    # The acknowledgement, then (nobody allocated) the reminder and the missed deadline to the supervisor.
    assert len(catcher.envelopes) == 3
    assert [e.rcpt_tos for e in catcher.envelopes[1:]] == [["sam@rj.example.org"]] * 2
    subjects = sorted(email.message_from_bytes(e.original_content, policy=email.policy.default)["Subject"]
                      for e in catcher.envelopes[1:])
    assert subjects[0].startswith("Deadline missed: ") and subjects[1].startswith("First contact due: ")


async def add_supervisor(database_url, nats_url):
    """A supervisor whose work email is on record, sealed under their own key as ``rj user`` keeps it."""
    runtime = runtime_for("notifications", database_url, nats_url)
    await runtime.open()
    try:
        accounts = Accounts(runtime.pool)
        await accounts.migrate()
        await accounts.add("sam", "a long enough password", role="supervisor", level="advanced",
                           display_name="Sam Supervisor")
        await accounts.set_contact("sam", await sealed_contact("sam", "sam@rj.example.org", runtime.keys))
        raw = await runtime.pool.fetchval("SELECT contact::text FROM identity.accounts WHERE username = 'sam'")
        assert "sam@rj.example.org" not in raw and "$sealed" in raw
    finally:
        await runtime.pool.close()


async def runtime_store_read(database_url, nats_url, referral_id):
    runtime = runtime_for("notifications", database_url, nats_url)
    await runtime.open()
    try:
        return await runtime.store.read_stream(f"referral-{referral_id}")
    finally:
        await runtime.pool.close()

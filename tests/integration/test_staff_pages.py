"""The staff pages of the referral and notifications services on their real apps (PostgreSQL, NATS,
a real mail catcher): signing in, deny by default, revoking a victim's progress links by reference,
the email caught on this machine and the notifications that failed for good."""

from __future__ import annotations

import asyncio
import re
import smtplib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from uuid import UUID, uuid4

import httpx
import pytest

from services.notifications.adapters.mailcatcher import MailCatcher
from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE
from services.referral.web.progress import progress_link
from shared.contracts.notifications import NotificationFailed
from shared.embedded.ports import free_port
from shared.envelope import Cause, new_event
from shared.eventstore.port import Actor
from tests.servers import serve
from tests.support import eventually

PASSWORD = "correct horse battery staple"
PEOPLE = {"sam.supervisor": ("supervisor", "advanced"), "ada.advanced": ("facilitator", "advanced"),
          "adam.admin": ("admin", None)}


async def add_people(runtime) -> None:
    for username, (role, level) in PEOPLE.items():
        await runtime.identity.accounts.add(username, PASSWORD, role=role, level=level)


def csrf(page: httpx.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


@asynccontextmanager
async def browser(base: str, username: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """A client that keeps cookies and follows redirects, signed in as ``username`` if given."""
    async with httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=30) as client:
        if username:
            form = await client.get("/login")
            signed = await client.post("/login", data={"username": username, "password": PASSWORD,
                                                       "csrf_token": csrf(form)})
            assert signed.status_code in (200, 403), signed.text
        yield client


# -- referral: revoking a victim's progress links ---------------------------------------------------
@pytest.fixture
async def referral(fresh_database_url, clean_nats_url):
    """The referral service with people and one referral: (base URL, app, referral id, reference)."""
    async with (serve("referral", fresh_database_url, clean_nats_url) as (base, app),
                httpx.AsyncClient(base_url=base) as client):
        runtime = app.state.runtime
        await add_people(runtime)
        _, key = await agencies.add(runtime.pool, "Thames Valley Police")
        made = await client.post("/api/v1/referrals", json=EXAMPLE, headers={"Authorization": f"Bearer {key}"})
        assert made.status_code == 201, made.text
        yield base, app, UUID(made.json()["referral_id"]), made.json()["reference"]


async def revoke(client: httpx.AsyncClient, reference: str, reason: str) -> httpx.Response:
    form = await client.get("/staff/progress-links")
    assert form.status_code == 200, form.text
    return await client.post("/staff/progress-links",
                             data={"reference": reference, "reason": reason, "csrf_token": csrf(form)})


async def revocations(app, referral_id: UUID) -> list:
    return [r for r in await app.state.runtime.store.read_stream(f"referral-{referral_id}")
            if r.event_type == "ProgressLinkRevoked"]


async def test_someone_not_signed_in_is_sent_to_sign_in_and_then_back(referral):
    base, *_ = referral
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        sent = await client.get("/staff/progress-links")
        assert sent.status_code == 303 and sent.headers["location"] == "/login?next=%2Fstaff%2Fprogress-links"
        form = await client.get(sent.headers["location"])
        assert form.status_code == 200 and 'name="next" value="/staff/progress-links"' in form.text
        wrong = await client.post("/login", data={"username": "sam.supervisor", "password": "wrong",
                                                  "next": "/staff/progress-links", "csrf_token": csrf(form)})
        assert wrong.status_code == 401 and "Enter a correct username and password" in wrong.text
        assert 'href="#username"' in wrong.text and 'value="/staff/progress-links"' in wrong.text
        signed = await client.post("/login", data={"username": "sam.supervisor", "password": PASSWORD,
                                                   "next": "/staff/progress-links", "csrf_token": csrf(form)})
        assert signed.status_code == 303 and signed.headers["location"] == "/staff/progress-links"
        page = await client.get("/staff/progress-links")
        assert page.status_code == 200 and "Revoke a victim" in page.text and "Signed in as sam.supervisor" in page.text
        out = await client.post("/logout", data={"csrf_token": csrf(page)})
        assert out.status_code == 303 and (await client.get("/staff/progress-links")).status_code == 303


async def test_a_facilitator_is_refused_the_revoke_page_and_an_admin_is_not(referral):
    base, app, referral_id, reference = referral
    async with browser(base, "ada.advanced") as ada, browser(base, "adam.admin") as adam:
        refused = await ada.get("/staff/progress-links")
        assert refused.status_code == 403 and "You cannot use these pages" in refused.text
        assert "supervisors and admins" in refused.text
        posted = await ada.post("/staff/progress-links", data={"reference": reference, "reason": "lost phone",
                                                               "csrf_token": csrf(refused)})
        assert posted.status_code == 403
        assert (await adam.get("/staff/progress-links")).status_code == 200
    assert await revocations(app, referral_id) == []


async def test_a_supervisor_revokes_a_referrals_links_and_the_link_then_no_longer_works(referral):
    base, app, referral_id, reference = referral
    link = progress_link(app.state.runtime.settings, referral_id)
    async with browser(base, "sam.supervisor") as sam:
        assert (await sam.get(link)).status_code == 200
        done = await revoke(sam, f"  {reference.lower()} ", "The letter went to the wrong address")
        assert done.status_code == 200, done.text
        assert "Progress links revoked" in done.text and reference in done.text and "govuk-panel" in done.text
        gone = await sam.get(link)
        assert gone.status_code == 410 and "This link no longer works" in gone.text
        fresh = progress_link(app.state.runtime.settings, referral_id)  # made after it: works
        assert (await sam.get(fresh)).status_code == 200
    [revoked] = await revocations(app, referral_id)
    assert (revoked.actor.kind, revoked.actor.id, revoked.actor.role) == ("user", "sam.supervisor", "supervisor")
    assert revoked.data["revoked_by"] == "sam.supervisor"
    assert "wrong address" not in str(revoked.data)  # the reason is sealed


@pytest.mark.parametrize(("reference", "reason", "field", "says"), [
    ("REF-2026-999999", "Lost phone", "reference", "No referral has the reference REF-2026-999999"),
    ("", "Lost phone", "reference", "Enter the referral&#39;s reference number"),
    ("not a reference", "Lost phone", "reference", "like REF-2026-000123"),
    ("REF-2026-\x00001", "Lost phone", "reference", "like REF-2026-000123"),
    (None, "   ", "reason", "Enter why the links are revoked"),
    (None, "x" * 1001, "reason", "The reason must be 1000 characters or fewer; it has 1001"),
    (None, "Lost\x00 phone", "reason", "must not contain control characters"),
])
async def test_a_mistake_is_shown_in_the_error_summary_with_what_was_typed(referral, reference, reason, field, says):
    base, app, referral_id, real_reference = referral
    typed = real_reference if reference is None else reference
    async with browser(base, "sam.supervisor") as sam:
        page = await revoke(sam, typed, reason)
    assert page.status_code == 422, page.text
    summary = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', page.text, re.DOTALL).group(0)
    assert f'href="#{field}"' in summary and says in summary
    assert 'id="reference"' in page.text and typed.replace("\x00", "") in page.text.replace("\x00", "")
    if reason.strip():
        assert reason.replace("\x00", "")[:50] in page.text.replace("\x00", "")
    assert await revocations(app, referral_id) == []


async def test_a_revocation_without_the_pages_token_is_refused(referral):
    base, app, referral_id, reference = referral
    async with browser(base, "sam.supervisor") as sam:
        await sam.get("/staff/progress-links")
        refused = await sam.post("/staff/progress-links", data={"reference": reference, "reason": "Lost phone"})
        assert refused.status_code == 400 and "Your form was not sent" in refused.text
        other_site = await sam.post("/staff/progress-links", data={"reference": reference, "reason": "Lost phone"},
                                    headers={"Origin": "https://evil.example"})
        assert other_site.status_code == 403
    assert await revocations(app, referral_id) == []


# -- notifications: the email caught, and the failures ----------------------------------------------
@pytest.fixture
async def notifications(fresh_database_url, clean_nats_url, tmp_path):
    """The notifications service keeping its email in a folder a real mail catcher writes: (base, app, catcher)."""
    folder = tmp_path / "mail"
    with MailCatcher(folder, free_port()) as catcher:
        async with serve("notifications", fresh_database_url, clean_nats_url, mail_folder=str(folder)) as (base, app):
            await add_people(app.state.runtime)
            yield base, app, catcher


def send_mail(catcher: MailCatcher, messages: list[EmailMessage]) -> None:
    with smtplib.SMTP(catcher.host, catcher.port) as smtp:
        for message in messages:
            smtp.send_message(message)


def a_message(subject: str, text: str, html: str | None = None, to: str = "alex@example.org") -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "rj@example.org", to, subject
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


async def test_the_mail_page_lists_the_caught_email_newest_first_as_escaped_plain_text(notifications):
    base, app, catcher = notifications
    hostile = a_message("Your referral <b>REF-2026-000001</b>", "Hello <script>alert('x')</script> Alex\nLine two",
                        html="<p>HTML ONLY PART <img src=x onerror=alert(1)></p>", to="victim@example.org")
    await asyncio.to_thread(send_mail, catcher, [hostile])
    await asyncio.to_thread(send_mail, catcher, [a_message(f"Message {n}", f"Body {n}") for n in range(1, 51)])
    async with browser(base, "sam.supervisor") as sam:
        page = await sam.get("/mail")
        assert page.status_code == 200, page.text
        assert "Showing 1 to 50 of 51 messages" in page.text
        assert page.text.index("Message 50") < page.text.index("Message 49")
        assert "Hello &lt;script&gt;" not in page.text  # the oldest is on the next page
        older = await sam.get("/mail", params={"page": "2"})
        assert "Showing 51 to 51 of 51 messages" in older.text and "victim@example.org" in older.text
        assert "Hello &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Alex" in older.text
        assert "Your referral &lt;b&gt;REF-2026-000001&lt;/b&gt;" in older.text
        assert "<script>alert" not in older.text and "HTML ONLY PART" not in older.text and "onerror" not in older.text
        assert 'rel="prev"' in older.text and 'href="/mail?page=1"' in older.text
        assert (await sam.get("/mail", params={"page": "nonsense"})).status_code == 200
        assert "there are 51 messages in all" in (await sam.get("/mail", params={"page": "9"})).text
        app.state.runtime.settings.mail_folder = None
        app.state.runtime.settings.smtp_host = "smtp.example.org"
        unkept = await sam.get("/mail")
        assert "Email goes to the configured SMTP server, smtp.example.org" in unkept.text
        assert "Nothing is kept here" in unkept.text and "Message 50" not in unkept.text


async def test_a_notification_that_failed_for_good_is_listed_without_personal_data(notifications):
    base, app, _ = notifications
    runtime = app.state.runtime
    addressed = dict(source_event_id=uuid4(), recipient_role="victim", recipient_id=str(uuid4()), channel="email")
    failed_for_good = NotificationFailed(notification_id=uuid4(), template="acknowledgement_to_victim",
                                         reason="550 5.1.1 mailbox unavailable", attempt=3, permanent=True, **addressed)
    will_retry = NotificationFailed(notification_id=uuid4(), template="update_to_victim", reason="421 try later",
                                    attempt=1, permanent=False, **addressed)
    cause = Cause.fresh(Actor("service", "notifications", "system"))
    for event in (failed_for_good, will_retry):
        await runtime.store.append(f"notification-{event.notification_id}",
                                   [await new_event(event, cause, runtime.keys)], None)
    async with browser(base, "adam.admin") as adam:

        async def listed():
            page = await adam.get("/failures")
            return page if "550 5.1.1 mailbox unavailable" in page.text else None

        page = await eventually(listed, timeout=30)
        assert "acknowledgement_to_victim" in page.text and "victim" in page.text and "email" in page.text
        assert "update_to_victim" not in page.text and "421 try later" not in page.text
        assert addressed["recipient_id"] not in page.text
    columns = [r["column_name"] for r in await runtime.pool.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'notifications'"
        " AND table_name = 'permanent_failures'")]
    assert "recipient_id" not in columns and "recipient_role" in columns


async def test_the_notifications_pages_are_for_supervisors_and_admins_only(notifications):
    base, *_ = notifications
    async with httpx.AsyncClient(base_url=base, timeout=30) as nobody:
        for path in ("/mail", "/failures"):
            sent = await nobody.get(path)
            assert sent.status_code == 303 and sent.headers["location"] == f"/login?next=%2F{path[1:]}"
    async with browser(base, "ada.advanced") as ada, browser(base, "sam.supervisor") as sam:
        for path in ("/mail", "/failures"):
            refused = await ada.get(path)
            assert refused.status_code == 403 and "These pages are for supervisors and admins" in refused.text
            assert (await sam.get(path)).status_code == 200

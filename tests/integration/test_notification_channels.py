"""The delivery channels against real servers on this machine: no message leaves it.

SMTP: a real exchange with an aiosmtpd server on a free port. GOV.UK Notify: a local HTTP server
that STANDS IN FOR THE HOSTED SERVICE, answering like Notify's documented ``/v2/notifications/…``
endpoints (checking the JWT the client signs), since tests never reach the internet.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

from services.notifications.adapters.delivery import PermanentDeliveryError, TransientDeliveryError
from services.notifications.adapters.mailcatcher import MailCatcher
from services.notifications.adapters.notify import NotifySender, NotifySettings
from services.notifications.adapters.smtp import SmtpSender, SmtpSettings
from services.notifications.adapters.templates import render
from services.notifications.handlers.firing import fire_due
from services.notifications.handlers.reactions import ScheduleNotifications
from shared.contracts.referral import ContactPreferences, Offence, ReferralReceived, Victim
from shared.embedded.ports import free_port
from shared.envelope import open_event
from shared.eventstore.port import Position
from tests.integration.conftest import runtime_for
from tests.smtp import smtp_server as serving
from tests.support import record_referral

ACK = {"first_name": "Ada", "reference": "RJ-2026-00042", "progress_url": "https://rj.example.org/progress/4f1c"}


def acknowledgement(channel: str):
    values = dict(ACK) if channel != "sms" else {k: ACK[k] for k in ("reference", "progress_url")}
    return render("acknowledgement_to_victim", channel, "en", values)


class _Refusing:
    """An SMTP server's handler that refuses some recipients the way real servers do."""

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        if address.startswith("busy@"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def refusing_smtp() -> Iterator[tuple[_Refusing, int]]:
    with serving(_Refusing()) as running:
        yield running


def smtp(port: int) -> SmtpSender:
    return SmtpSender(SmtpSettings(host="127.0.0.1", port=port, tls="none", from_address="RJ <rj@example.org>"))


async def test_smtp_sends_text_and_html_to_the_recipient(refusing_smtp):
    handler, port = refusing_smtp
    message_id = await smtp(port).send_email("ada@example.net", acknowledgement("email"), reference="n-1")
    [envelope] = handler.envelopes
    assert envelope.rcpt_tos == ["ada@example.net"] and envelope.mail_from == "rj@example.org"
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert received["Message-ID"] == message_id and received["X-RJ-Reference"] == "n-1"
    assert received["Subject"] == "We have received your referral (RJ-2026-00042)"
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "Dear Ada," in text and "https://rj.example.org/progress/4f1c" in text
    assert '<a href="https://rj.example.org/progress/4f1c">' in html


async def test_smtp_550_for_the_recipient_is_permanent(refusing_smtp):
    _, port = refusing_smtp
    with pytest.raises(PermanentDeliveryError, match="550"):
        await smtp(port).send_email("nobody@example.net", acknowledgement("email"))


async def test_smtp_451_is_transient(refusing_smtp):
    _, port = refusing_smtp
    with pytest.raises(TransientDeliveryError, match="451"):
        await smtp(port).send_email("busy@example.net", acknowledgement("email"))


async def test_smtp_refused_connection_is_transient():
    with pytest.raises(TransientDeliveryError, match="could not reach"):
        await smtp(free_port()).send_email("ada@example.net", acknowledgement("email"))


async def test_mail_catcher_keeps_what_smtp_sends(tmp_path):
    port = free_port()
    with MailCatcher(tmp_path / "mail", port) as catcher:
        before = datetime.datetime.now(datetime.UTC)
        await smtp(port).send_email("ada@example.net", acknowledgement("email"))
        [caught] = catcher.messages()
    assert caught.to == ("ada@example.net",)
    assert caught.subject == "We have received your referral (RJ-2026-00042)"
    assert "Dear Ada," in caught.text and "<p>Dear Ada,</p>" in caught.html
    assert before - datetime.timedelta(seconds=1) <= caught.received_at <= datetime.datetime.now(datetime.UTC)
    assert caught.path.suffix == ".eml"


# --- GOV.UK Notify, through a local stand-in for the hosted service --------------------------------

SERVICE_ID, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
TEMPLATE_IDS = {"acknowledgement_to_victim": {c: str(uuid.uuid4()) for c in ("email", "sms", "letter")}}


class _NotifyStandIn(BaseHTTPRequestHandler):
    """Answers like Notify's POST /v2/notifications/{email,sms,letter}; ``fail_with`` forces an error."""

    received: list[tuple[str, dict]] = []
    fail_with: int | None = None

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])  # raises if not signed with our key
        assert claims["iss"] == SERVICE_ID
        kind = self.path.rsplit("/", 1)[-1]
        assert self.path in {"/v2/notifications/email", "/v2/notifications/sms", "/v2/notifications/letter"}
        type(self).received.append((kind, body))
        if type(self).fail_with:
            status = type(self).fail_with
            answer = {"status_code": status, "errors": [{"error": "StandInError", "message": f"forced {status}"}]}
        else:
            status, answer = 201, {"id": str(uuid.uuid4()), "reference": body.get("reference"),
                                   "template": {"id": body["template_id"], "version": 1}}
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def notify() -> Iterator[NotifySender]:
    _NotifyStandIn.received, _NotifyStandIn.fail_with = [], None
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _NotifyStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield NotifySender(NotifySettings(
            api_key=f"rj_test-{SERVICE_ID}-{SECRET}", base_url=f"http://127.0.0.1:{server.server_port}",
            template_ids=TEMPLATE_IDS, timeout=5,
        ))
    finally:
        server.shutdown()
        server.server_close()


async def test_notify_email_sends_subject_and_body_with_the_template_id(notify):
    notification_id = await notify.send_email("ada@example.net", acknowledgement("email"), reference="n-1")
    [(kind, body)] = _NotifyStandIn.received
    assert kind == "email" and uuid.UUID(notification_id)
    assert body["email_address"] == "ada@example.net" and body["reference"] == "n-1"
    assert body["template_id"] == TEMPLATE_IDS["acknowledgement_to_victim"]["email"]
    assert body["personalisation"]["subject"] == "We have received your referral (RJ-2026-00042)"
    assert "Dear Ada," in body["personalisation"]["body"]


async def test_notify_sms_and_letter(notify):
    assert await notify.send_sms("07700 900123", acknowledgement("sms"))
    address = ["Ada Lovelace", "1 High Street", "Oxford", "OX1 1AA"]
    assert await notify.send_letter(address, acknowledgement("letter"))
    (sms_kind, sms), (letter_kind, letter) = _NotifyStandIn.received
    assert (sms_kind, sms["phone_number"]) == ("sms", "07700 900123")
    assert "first_name" not in sms["personalisation"] and "RJ-2026-00042" in sms["personalisation"]["body"]
    assert letter_kind == "letter" and letter["template_id"] == TEMPLATE_IDS["acknowledgement_to_victim"]["letter"]
    assert letter["personalisation"]["address_line_1"] == "Ada Lovelace"
    assert letter["personalisation"]["address_line_4"] == "OX1 1AA"


@pytest.mark.parametrize(("status", "error"), [
    (400, PermanentDeliveryError), (403, PermanentDeliveryError),
    (429, TransientDeliveryError), (500, TransientDeliveryError), (503, TransientDeliveryError),
])
async def test_notify_errors_are_permanent_or_transient(notify, status, error):
    _NotifyStandIn.fail_with = status
    with pytest.raises(error, match=f"{status} StandInError: forced {status}"):
        await notify.send_email("ada@example.net", acknowledgement("email"))


async def test_notify_unreachable_is_transient():
    sender = NotifySender(NotifySettings(api_key=f"k-{SERVICE_ID}-{SECRET}", base_url=f"http://127.0.0.1:{free_port()}",
                                         template_ids=TEMPLATE_IDS, timeout=5))
    with pytest.raises(TransientDeliveryError):
        await sender.send_sms("07700 900123", acknowledgement("sms"))


async def test_notify_without_a_template_id_is_permanent_and_sends_nothing(notify):
    message = render("deadline_missed", "email", "en", {
        "staff_name": "Sam", "reference": "RJ-1", "deadline": "first contact",
        "due_on": datetime.date(2026, 3, 4), "case_url": "https://x/c/1",
    })
    with pytest.raises(PermanentDeliveryError, match="no Notify template id for 'deadline_missed'"):
        await notify.send_email("sam@example.org", message)
    assert _NotifyStandIn.received == []


async def test_the_service_sends_a_text_through_notify_when_that_is_the_victim_s_only_channel(
        notify, monkeypatch, fresh_database_url, clean_nats_url):
    """Wired as configured (``RJ_NOTIFY_…``, no SMTP server): the acknowledgement to a victim who only
    allows texts goes to the Notify stand-in as an SMS, and is recorded as sent by SMS."""
    settings = notify._settings
    monkeypatch.setenv("RJ_NOTIFY_BASE_URL", settings.base_url)
    monkeypatch.setenv("RJ_NOTIFY_TEMPLATE_IDS", json.dumps(settings.template_ids))
    runtime = runtime_for("notifications", fresh_database_url, clean_nats_url,
                          notify_api_key=settings.api_key.get_secret_value(), contact_hours="00:00-23:59")
    await runtime.open()
    try:
        referral = ReferralReceived(
            referral_id=uuid.uuid4(), reference="REF-2026-000077", source="self",
            victim=Victim(subject_id=uuid.uuid4(), name="Sam Reid", phone="07700900456",
                          contact_preferences=ContactPreferences(channels=("sms",))),
            offence=Offence(offence_type="criminal_damage", area="Oxford"), criminal_justice_stage="unknown",
            initiated_by="victim", victim_aware_of_referral=True,
            received_at=datetime.datetime.now(datetime.UTC))
        await record_referral(runtime.store, runtime.keys, referral)
        [recorded] = await runtime.store.read_stream(f"referral-{referral.referral_id}")
        await ScheduleNotifications().react(await open_event(recorded, runtime.keys), runtime.dependencies)
        await fire_due(runtime.dependencies)
        [(kind, body)] = _NotifyStandIn.received
        assert kind == "sms" and body["phone_number"] == "07700900456"
        assert "REF-2026-000077" in body["personalisation"]["body"] and "Sam" not in body["personalisation"]["body"]
        records = [e for e in await runtime.store.read_all(Position.start(), 1000)
                   if e.stream_id.startswith("notification-")]
        assert [(e.event_type, e.data["channel"]) for e in records] == [("NotificationSent", "sms")]
    finally:
        await runtime.pool.close()

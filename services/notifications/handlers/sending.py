"""One message to one person: the safety rules at the moment of sending, then the provider, then
the record of what happened (``NotificationSent`` / ``Failed`` / ``Suppressed``).

Contact details come from the event that asked for the message, opened with the service's keys at
send time: a forgotten subject key reads ``ERASED`` and stops the send, and so does the person's
withdrawal of their consent to take part (casework's ``ConsentWithdrawn``). Only email has a
sender so far; staff (facilitators, supervisors) have no email on record yet and are suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import structlog

from services.notifications.adapters.delivery import PermanentDeliveryError, TransientDeliveryError
from services.notifications.adapters.templates import TemplateError
from services.notifications.domain.channels import Person, contactable
from services.notifications.domain.decide import Send, decide_send
from services.notifications.handlers.dependencies import Dependencies
from services.notifications.handlers.recording import derived_id, record
from shared.contracts.notifications import NotificationFailed, NotificationSent, NotificationSuppressed
from shared.contracts.referral import ContactPreferences, ReferralReceived
from shared.envelope import Cause

log = structlog.get_logger()
STAFF = frozenset({"facilitator", "supervisor"})
MAX_ATTEMPTS = 8
SENDERS = frozenset({"email"})
"""The channels the service can send by so far."""


def backoff(attempt: int) -> timedelta:
    """How long after the ``attempt``-th transient failure to try again: 1, 2, 4 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** (attempt - 1), 360))


@dataclass(frozen=True)
class Recipient:
    person: Person
    email: str | None
    values: dict[str, Any]


def recipient_of(send: Send, event: Any, withdrawn: frozenset[str], progress_url: str) -> Recipient | None:
    """Who ``send`` is for, as the source event names them, and the values of its template."""
    if not isinstance(event, ReferralReceived):
        return None
    if send.recipient_role == "victim":
        victim = event.victim
        person = contactable(victim.contact_preferences, email=victim.email, phone=victim.phone,
                             address=victim.address, withdrawn="victim" in withdrawn,
                             consented=event.victim_aware_of_referral)
        first_name = (victim.name or "").split(" ")[0]
        return Recipient(person, victim.email, {"first_name": first_name, "reference": event.reference,
                                                "progress_url": progress_url})
    if send.recipient_role == "referrer" and event.referrer is not None:
        referrer = event.referrer
        person = contactable(ContactPreferences(channels=("email",)), email=referrer.email)
        return Recipient(person, referrer.email, {
            "agency_name": referrer.organisation, "reference": event.reference,
            "agency_reference": event.offence.crime_reference or event.reference,
            "received_on": event.received_at.date()})
    return None


def _reason(error: Exception) -> str:
    """The provider's code (an SMTP reply code), or the kind of failure: never an address or text."""
    detail = getattr(error, "provider_detail", "") or ""
    code = detail.split(" ", 1)[0]
    return code if code.isdigit() else type(error.__cause__ or error).__name__


async def deliver(send: Send, event: Any, withdrawn: frozenset[str], deps: Dependencies, now: datetime,
                  attempts: int, cause: Cause) -> tuple[datetime, int] | None:
    """Send (or suppress) one message; ``(when, attempts)`` if it is to be tried again later."""
    key = send.key
    base = dict(notification_id=key, source_event_id=send.source_event_id, recipient_role=send.recipient_role,
                recipient_id=send.recipient_id or send.recipient_role, template=send.template)
    if deps.email is None:  # no sender at all: nothing is sent, and nothing is recorded as if it had been tried
        log.warning("notification.not_sent", reason="no SMTP server configured (RJ_SMTP_HOST unset)",
                    notification_id=str(key), template=send.template)
        return None
    recipient = None if send.recipient_role in STAFF else recipient_of(send, event, withdrawn, deps.progress_url)
    if recipient is None:
        detail = ("staff accounts hold no contact details yet" if send.recipient_role in STAFF
                  else "no contact details for this recipient on record")
        await record(deps, key, NotificationSuppressed(**base, reason="no_contact_details", detail=detail), cause)
        return None
    person = replace(recipient.person, reachable=recipient.person.reachable & SENDERS)
    choice = decide_send(send, person, now)
    if isinstance(choice, NotificationSuppressed):
        await record(deps, key, choice, cause)
        return None
    if choice.when > now:
        return choice.when, attempts
    try:
        message = deps.renderer.render(send.template, "email", choice.language, recipient.values)
    except TemplateError as error:
        log.error("notification.template_failed", notification_id=str(key), error=str(error))
        await record(deps, key, NotificationFailed(**base, channel="email", reason="template", attempt=attempts + 1,
                                                   permanent=True), cause)
        return None
    attempt = attempts + 1
    try:
        reference = await deps.email.send_email(recipient.email, message, reference=str(key))
    except (TransientDeliveryError, PermanentDeliveryError) as error:
        permanent = isinstance(error, PermanentDeliveryError) or attempt >= MAX_ATTEMPTS
        log.warning("notification.failed", notification_id=str(key), attempt=attempt, permanent=permanent,
                    reason=_reason(error))
        failed = NotificationFailed(**base, channel="email", reason=_reason(error), attempt=attempt,
                                    permanent=permanent)
        await record(deps, key, failed, cause, None if permanent else derived_id(key, f"attempt-{attempt}"))
        return None if permanent else (now + backoff(attempt), attempt)
    await record(deps, key, NotificationSent(**base, channel="email", provider_reference=reference), cause)
    log.info("notification.sent", notification_id=str(key), template=send.template)
    return None

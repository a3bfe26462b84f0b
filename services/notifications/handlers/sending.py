"""One message to the people it is for: the safety rules at the moment of sending, then the
provider, then the record of what happened (``NotificationSent`` / ``Failed`` / ``Suppressed``).

Contact details come from the referral as received and from staff accounts, opened with the
service's keys at send time: a forgotten subject key reads ``ERASED`` and stops the send, and so
does the person's withdrawal of their consent to take part (casework's ``ConsentWithdrawn``).
A channel is chosen among those the person allowed, we hold details for, a provider is configured
for and the template is written for; with no provider at all, due messages wait rather than vanish.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import structlog

from services.notifications.adapters.delivery import PermanentDeliveryError, TransientDeliveryError
from services.notifications.adapters.templates import (
    LANGUAGES,
    Rendered,
    TemplateError,
    channels,
    language_code,
    required_values,
)
from services.notifications.domain.channels import Delivery
from services.notifications.domain.decide import Send, decide_send
from services.notifications.handlers.dependencies import Dependencies, Senders
from services.notifications.handlers.recipients import Context, Recipient, recipients, values
from services.notifications.handlers.recording import derived_id, record
from shared.contracts.notifications import NotificationFailed, NotificationSent, NotificationSuppressed
from shared.envelope import Cause

log = structlog.get_logger()
MAX_ATTEMPTS = 8
NO_PROVIDER_WAIT = timedelta(minutes=15)
"""How long a due message waits before looking again for a provider to send it by."""

STAFF = frozenset({"facilitator", "supervisor"})
Later = tuple[datetime, int]
"""When to try again, and how many attempts were made so far."""


def backoff(attempt: int) -> timedelta:
    """How long after the ``attempt``-th transient failure to try again: 1, 2, 4 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** (attempt - 1), 360))


def _reason(error: Exception) -> str:
    """The provider's code (an SMTP reply code), or the kind of failure: never an address or text."""
    detail = getattr(error, "provider_detail", "") or ""
    code = detail.split(" ", 1)[0]
    return code if code.isdigit() else type(error.__cause__ or error).__name__


async def deliver(send: Send, ctx: Context, deps: Dependencies, now: datetime, attempts: int,
                  cause: Cause) -> Later | None:
    """Send (or suppress) ``send`` to everyone it reaches; when to try again if any is not done."""
    if not deps.senders.channels:
        log.warning("notification.waiting", reason="no email server (RJ_SMTP_HOST) or GOV.UK Notify key"
                    " (RJ_NOTIFY_API_KEY) is configured", notification_id=str(send.key), template=send.template)
        return now + NO_PROVIDER_WAIT, attempts
    people = await recipients(send, ctx, deps)
    if not people:
        detail = ("no member of staff in this role has a work email on record" if send.recipient_role in STAFF
                  else "no contact details for this recipient on record")
        await record(deps, send.key, NotificationSuppressed(
            notification_id=send.key, source_event_id=send.source_event_id, recipient_role=send.recipient_role,
            recipient_id=send.recipient_id or send.recipient_role, template=send.template,
            reason="no_contact_details", detail=detail), cause)
        return None
    pending: list[Later] = []
    for person in people:
        if person.notification_id in ctx.watch.fired:  # sent (or settled) on an earlier try
            continue
        if later := await _deliver_to(send, person, ctx, deps, now, attempts, cause):
            pending.append(later)
    return (min(when for when, _ in pending), max(n for _, n in pending)) if pending else None



async def _deliver_to(send: Send, recipient: Recipient, ctx: Context, deps: Dependencies, now: datetime,
                      attempts: int, cause: Cause) -> Later | None:
    key = recipient.notification_id
    mine = replace(send, key=key, recipient_id=recipient.recipient_id)
    base = dict(notification_id=key, source_event_id=send.source_event_id, recipient_role=send.recipient_role,
                recipient_id=recipient.recipient_id, template=send.template)
    person = replace(recipient.person, reachable=recipient.person.reachable & deps.senders.channels)
    choice = decide_send(mine, person, now, deps.civil_hours)
    if isinstance(choice, Delivery) and choice.channel not in (written := frozenset(channels(send.template))):
        # Not written for the channel that would do (a reminder has no letter): the next that is.
        choice = decide_send(mine, replace(person, reachable=person.reachable & written), now, deps.civil_hours)
    if isinstance(choice, NotificationSuppressed):
        await record(deps, send.key, choice, cause, key)
        return None
    if choice.when > now:
        return choice.when, attempts
    channel, attempt = choice.channel, attempts + 1
    try:
        found = await values(send, ctx, recipient, deps)
        language = written_in(choice.language)
        wanted = required_values(send.template, channel, language)
        message = deps.renderer.render(send.template, channel, language, {k: found[k] for k in wanted})
    except (TemplateError, KeyError) as error:  # a template asking for what the event does not give: a bug
        log.error("notification.template_failed", notification_id=str(key), error=str(error))
        await record(deps, send.key, NotificationFailed(**base, channel=channel, reason="template", attempt=attempt,
                                                        permanent=True), cause, key)
        return None
    try:
        reference = await _send(deps.senders, channel, recipient, message, str(key))
    except (TransientDeliveryError, PermanentDeliveryError) as error:
        permanent = isinstance(error, PermanentDeliveryError) or attempt >= MAX_ATTEMPTS
        log.warning("notification.failed", notification_id=str(key), attempt=attempt, permanent=permanent,
                    reason=_reason(error), channel=channel)
        failed = NotificationFailed(**base, channel=channel, reason=_reason(error), attempt=attempt,
                                    permanent=permanent)
        await record(deps, send.key, failed, cause, key if permanent else derived_id(key, f"attempt-{attempt}"))
        return None if permanent else (now + backoff(attempt), attempt)
    await record(deps, send.key, NotificationSent(**base, channel=channel, provider_reference=reference), cause, key)
    log.info("notification.sent", notification_id=str(key), template=send.template, channel=channel)
    return None


def written_in(language: str) -> str:
    """The person's language where the templates are written in it; otherwise English, the service's
    own (their facilitator sees their language and any interpreter need on the case)."""
    code = language_code(language)
    return code if code in LANGUAGES else LANGUAGES[0]


async def _send(senders: Senders, channel: str, recipient: Recipient, message: Rendered, reference: str) -> str:
    if channel == "sms":
        return await senders.sms.send_sms(recipient.phone, message, reference=reference)
    if channel == "letter":
        return await senders.letter.send_letter(recipient.address, message, reference=reference)
    return await senders.email.send_email(recipient.email, message, reference=reference)

"""The notifications handlers' dependencies, built once from the running service."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from uuid import UUID

import structlog

from services.notifications.adapters.notify import NotifySender, NotifySettings
from services.notifications.adapters.smtp import SmtpSender, SmtpSettings
from services.notifications.adapters.staff import AccountsDirectory
from services.notifications.adapters.timers import PostgresTimers
from services.notifications.handlers import Dependencies
from services.notifications.handlers.dependencies import Senders
from services.notifications.handlers.firing import run_timers
from services.notifications.settings import Settings
from shared.crypto.derive import VICTIM_PROGRESS_LINK, purpose_key
from shared.crypto.links import sign_link
from shared.runtime import ServiceRuntime

log = structlog.get_logger()


def senders(settings: Settings) -> Senders:
    """Email by SMTP when ``RJ_SMTP_HOST`` is set; texts and letters (and email without SMTP) by
    GOV.UK Notify when ``RJ_NOTIFY_API_KEY`` is; each missing one said once in the log."""
    smtp = SmtpSender(SmtpSettings(
        host=settings.smtp_host, port=settings.smtp_port, username=settings.smtp_username,
        password=settings.smtp_password, tls=settings.smtp_tls, from_address=settings.smtp_from_address,
    )) if settings.smtp_host else None
    notify = NotifySender(NotifySettings(api_key=settings.notify_api_key)) if settings.notify_api_key else None
    if smtp is None and notify is None:
        log.warning("notifications.no_provider", reason="neither RJ_SMTP_HOST nor RJ_NOTIFY_API_KEY is set:"
                    " due messages wait until one is")
    elif notify is None:
        log.info("notifications.email_only", reason="RJ_NOTIFY_API_KEY is not set: no texts or letters")
    return Senders(email=smtp or notify, sms=notify, letter=notify)


def progress_link(key: bytes, base: str, lifetime: timedelta, referral_id: UUID) -> str:
    """A new private link to a referral's progress page, as the referral service checks it."""
    return base + sign_link(key, referral_id, lifetime=lifetime)


def bootstrap(runtime: ServiceRuntime) -> Dependencies:
    assert runtime.keys is not None, "the notifications service has key access"
    settings: Settings = runtime.settings  # type: ignore[assignment]  # the service's own
    link_key = purpose_key(settings.kek(), VICTIM_PROGRESS_LINK)
    return Dependencies(
        store=runtime.store, keys=runtime.keys, timers=PostgresTimers(runtime.pool), senders=senders(settings),
        staff=AccountsDirectory(runtime.pool, runtime.keys),
        progress_link=partial(progress_link, link_key, settings.progress_url,
                              timedelta(days=settings.progress_link_days)),
        casework_url=settings.casework_url, civil_hours=settings.civil_hours())


async def timer_loop(runtime: ServiceRuntime) -> None:
    """The service's background task: fire due timers."""
    settings: Settings = runtime.settings  # type: ignore[assignment]  # the service's own
    await run_timers(runtime.dependencies, settings.timer_interval)

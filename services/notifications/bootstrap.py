"""The notifications handlers' dependencies, built once from the running service."""

from __future__ import annotations

import structlog

from services.notifications.adapters.smtp import SmtpSender, SmtpSettings
from services.notifications.adapters.timers import PostgresTimers
from services.notifications.handlers import Dependencies
from services.notifications.handlers.firing import run_timers
from services.notifications.settings import Settings
from shared.runtime import ServiceRuntime

log = structlog.get_logger()


def email_sender(settings: Settings) -> SmtpSender | None:
    """The SMTP sender, or None (with a log line) when ``RJ_SMTP_HOST`` is not set."""
    if not settings.smtp_host:
        log.warning("notifications.email_off", reason="RJ_SMTP_HOST is not set: no email will be sent")
        return None
    return SmtpSender(SmtpSettings(
        host=settings.smtp_host, port=settings.smtp_port, username=settings.smtp_username,
        password=settings.smtp_password, tls=settings.smtp_tls, from_address=settings.smtp_from_address))


def bootstrap(runtime: ServiceRuntime) -> Dependencies:
    assert runtime.keys is not None, "the notifications service has key access"
    settings: Settings = runtime.settings  # type: ignore[assignment]  # the service's own
    return Dependencies(store=runtime.store, keys=runtime.keys, timers=PostgresTimers(runtime.pool),
                        email=email_sender(settings), progress_url=settings.progress_url)


async def timer_loop(runtime: ServiceRuntime) -> None:
    """The service's background task: fire due timers."""
    settings: Settings = runtime.settings  # type: ignore[assignment]  # the service's own
    await run_timers(runtime.dependencies, settings.timer_interval)

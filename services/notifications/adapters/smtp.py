"""Email through an SMTP server (a relay, a provider's SMTP endpoint, or the local mail catcher)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Literal

import aiosmtplib
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.notifications.adapters.delivery import PermanentDeliveryError, TransientDeliveryError
from services.notifications.adapters.templates import Rendered


class SmtpSettings(BaseSettings):
    """Where and how to hand over email (environment ``RJ_SMTP_…``)."""

    model_config = SettingsConfigDict(env_prefix="RJ_SMTP_", extra="ignore")

    host: str = "localhost"
    port: int = Field(default=25, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    tls: Literal["none", "starttls", "tls"] = Field(
        default="starttls", description="none: plain (local catcher only); starttls: upgrade; tls: TLS from the start"
    )
    from_address: str = Field(description="the From: of every message, e.g. 'RJ Service <rj@example.org>'")
    timeout: float = Field(default=30, gt=0)


def build_message(sender: str, to: str, message: Rendered, reference: str | None) -> EmailMessage:
    """The multipart/alternative message: plain text first, HTML preferred by mail readers that show it."""
    if message.channel != "email" or message.subject is None or message.html is None:
        raise ValueError(f"template {message.template!r} was rendered for {message.channel!r}, not for email")
    email = EmailMessage()
    email["From"] = sender
    email["To"] = to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    email["Content-Language"] = message.language
    if reference:  # lets a bounce or a question be traced to our notification without personal data
        email["X-RJ-Reference"] = reference
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


def _classify(error: Exception) -> TransientDeliveryError | PermanentDeliveryError:
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused) and error.recipients:
        error = error.recipients[0]
    if isinstance(error, aiosmtplib.SMTPResponseException):
        detail = f"{error.code} {error.message}"
        # RFC 5321: 4xx is a temporary failure (try later), 5xx a permanent one.
        if 400 <= error.code < 500:
            return TransientDeliveryError(f"the SMTP server deferred the message: {detail}", detail)
        return PermanentDeliveryError(f"the SMTP server refused the message: {detail}", detail)
    if isinstance(error, aiosmtplib.SMTPNotSupported):
        return PermanentDeliveryError(f"the SMTP server does not support what we asked: {error}", str(error))
    return TransientDeliveryError(f"could not reach the SMTP server: {error}", str(error))


class SmtpSender:
    """The ``EmailSender`` port over SMTP; one connection per message, which suits our volumes."""

    def __init__(self, settings: SmtpSettings):
        self._settings = settings

    async def send_email(self, to: str, message: Rendered, *, reference: str | None = None) -> str:
        """Send ``message`` to ``to``; returns the Message-ID, the reference a provider's logs show."""
        s = self._settings
        email = build_message(s.from_address, to, message, reference)
        try:
            await aiosmtplib.send(
                email,
                hostname=s.host,
                port=s.port,
                username=s.username,
                password=s.password.get_secret_value() if s.password else None,
                use_tls=s.tls == "tls",
                start_tls=s.tls == "starttls",
                timeout=s.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise _classify(error) from error
        return email["Message-ID"]

"""Email, text messages and letters through GOV.UK Notify (its Python client, run in a thread).

Each (template, channel) has a Notify template whose content is ``((body))`` (emails and letters
also take ``((subject))`` as their subject or heading): the wording stays in our reviewed template
files and Notify does the delivery, so a change to a message never needs a change in Notify.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.notifications.adapters.delivery import PermanentDeliveryError, TransientDeliveryError
from services.notifications.adapters.templates import Rendered

MAX_ADDRESS_LINES = 7  # Notify's letters take address_line_1 … address_line_7, the postcode last


class NotifySettings(BaseSettings):
    """How to reach GOV.UK Notify (environment ``RJ_NOTIFY_…``; ``template_ids`` as JSON)."""

    model_config = SettingsConfigDict(env_prefix="RJ_NOTIFY_", extra="ignore")

    api_key: SecretStr = Field(description="a Notify API key: name-serviceid-secret")
    base_url: str = "https://api.notifications.service.gov.uk"
    template_ids: dict[str, dict[str, str]] = Field(
        default_factory=dict, description='{"acknowledgement_to_victim": {"email": "<Notify template id>", …}, …}'
    )
    email_reply_to_id: str | None = None
    sms_sender_id: str | None = None
    timeout: float = Field(default=30, gt=0)


def _detail(error: APIError) -> str:
    said = error.message  # Notify answers {"errors": [{"error": …, "message": …}], "status_code": …}
    if isinstance(said, list):
        said = "; ".join(f"{e.get('error', '')}: {e.get('message', '')}" for e in said if isinstance(e, dict))
    return f"{error.status_code} {said}"


def _classify(error: APIError) -> TransientDeliveryError | PermanentDeliveryError:
    status, detail = error.status_code, _detail(error)
    # 429 is a rate limit and 5xx Notify's own trouble (a connection failure also arrives as 503):
    # later may work. 400 (bad request, e.g. an invalid number) and 403 (our key) never will.
    if status == 429 or status >= 500:
        return TransientDeliveryError(f"GOV.UK Notify could not take the message now: {detail}", detail)
    return PermanentDeliveryError(f"GOV.UK Notify refused the message: {detail}", detail)


class NotifySender:
    """The ``EmailSender``, ``SmsSender`` and ``LetterSender`` ports over GOV.UK Notify."""

    def __init__(self, settings: NotifySettings):
        self._settings = settings

    def _template_id(self, message: Rendered) -> str:
        try:
            return self._settings.template_ids[message.template][message.channel]
        except KeyError:
            raise PermanentDeliveryError(
                f"no Notify template id for {message.template!r} by {message.channel!r};"
                " set it in RJ_NOTIFY_TEMPLATE_IDS"
            ) from None

    async def _call(self, method: str, **kwargs: Any) -> str:
        s = self._settings

        def call() -> dict[str, Any]:
            # A client per call: requests' Session is not meant to be shared across threads.
            client = NotificationsAPIClient(s.api_key.get_secret_value(), base_url=s.base_url, timeout=s.timeout)
            return getattr(client, method)(**kwargs)

        try:
            response = await asyncio.to_thread(call)
        except APIError as error:
            raise _classify(error) from error
        return response["id"]

    async def send_email(self, to: str, message: Rendered, *, reference: str | None = None) -> str:
        """Send an email; returns Notify's notification id."""
        return await self._call(
            "send_email_notification",
            email_address=to,
            template_id=self._template_id(message),
            personalisation={"subject": message.subject, "body": message.text},
            reference=reference,
            email_reply_to_id=self._settings.email_reply_to_id,
        )

    async def send_sms(self, to: str, message: Rendered, *, reference: str | None = None) -> str:
        """Send a text message; returns Notify's notification id."""
        return await self._call(
            "send_sms_notification",
            phone_number=to,
            template_id=self._template_id(message),
            personalisation={"body": message.text},
            reference=reference,
            sms_sender_id=self._settings.sms_sender_id,
        )

    async def send_letter(self, address: Sequence[str], message: Rendered, *, reference: str | None = None) -> str:
        """Send a letter to ``address`` (name, lines, postcode last: 3 to 7 lines); Notify's notification id."""
        lines = [line.strip() for line in address if line.strip()]
        if not 3 <= len(lines) <= MAX_ADDRESS_LINES:
            raise PermanentDeliveryError(
                f"a letter's address must have 3 to {MAX_ADDRESS_LINES} non-empty lines, postcode last;"
                f" it has {len(lines)}"
            )
        personalisation = {f"address_line_{n}": line for n, line in enumerate(lines, start=1)}
        personalisation |= {"subject": message.subject, "body": message.text}
        return await self._call(
            "send_letter_notification",
            template_id=self._template_id(message),
            personalisation=personalisation,
            reference=reference,
        )

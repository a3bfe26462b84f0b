"""The ports of the delivery channels, and the two ways a delivery fails.

Handlers retry a ``TransientDeliveryError`` later and record a ``PermanentDeliveryError`` as
undeliverable (and perhaps try another channel): the adapters sort each provider's failures into
these two so that no handler has to know SMTP reply codes or Notify's status codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.notifications.adapters.templates import Rendered


class DeliveryError(Exception):
    """A message was not accepted by the provider; ``provider_detail`` is what the provider said."""

    def __init__(self, message: str, provider_detail: str = ""):
        super().__init__(message)
        self.provider_detail = provider_detail


class TransientDeliveryError(DeliveryError):
    """Worth trying again later: the provider was unreachable, busy, or rate-limited us."""


class PermanentDeliveryError(DeliveryError):
    """Trying again will not help: the address was refused, or our request or credentials are wrong."""


class EmailSender(Protocol):
    async def send_email(self, to: str, message: Rendered, *, reference: str | None = None) -> str:
        """Hand ``message`` to the provider for ``to``; the provider's reference for it."""
        ...


class SmsSender(Protocol):
    async def send_sms(self, to: str, message: Rendered, *, reference: str | None = None) -> str: ...


class LetterSender(Protocol):
    async def send_letter(self, address: Sequence[str], message: Rendered, *, reference: str | None = None) -> str:
        """``address`` is the recipient's name then the address lines, the postcode last."""
        ...

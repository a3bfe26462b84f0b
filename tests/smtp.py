"""A real SMTP server for tests (aiosmtpd on a free port) and an inbox that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller

from shared.embedded.ports import free_port


class Inbox:
    """An aiosmtpd handler keeping each message: its envelope, and the message parsed."""

    def __init__(self):
        self.envelopes: list[Any] = []
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def caught(self) -> list[Any]:
        return self.envelopes

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def subjects(self, to: str) -> list[str]:
        """The subjects of the messages sent to ``to``, in the order they came."""
        return [m["Subject"] for rcpt, m in self.messages if to in rcpt]


@contextmanager
def smtp_server(handler: Any) -> Iterator[tuple[Any, int]]:
    """``handler`` serving SMTP on 127.0.0.1 at a free port: (handler, port)."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()

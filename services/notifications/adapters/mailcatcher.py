"""A local mail catcher for ``rj up``: an SMTP server that keeps every message as an .eml file.

Nothing leaves the machine, yet every email the system sends can be read back (by people in a
browser later, by tests now) exactly as a real server would have received it.
"""

from __future__ import annotations

import asyncio
import datetime
import email
import email.policy
import uuid
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

_STAMP = "%Y%m%dT%H%M%S.%fZ"  # file names sort by arrival and carry the time it arrived


@dataclass(frozen=True)
class CaughtMessage:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None
    received_at: datetime.datetime
    path: Path


class _KeepInFolder:
    """aiosmtpd handler: accept every recipient and write each message to ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        now = datetime.datetime.now(datetime.UTC)
        # The envelope's recipients are who it was really sent to (Bcc included), so keep them too.
        head = "".join(f"X-Envelope-To: {rcpt}\r\n" for rcpt in envelope.rcpt_tos).encode()
        path = self.folder / f"{now.strftime(_STAMP)}-{uuid.uuid4().hex[:8]}.eml"
        await asyncio.to_thread(path.write_bytes, head + envelope.original_content)
        return "250 Message accepted for delivery"


class MailCatcher:
    """An SMTP server on ``host:port`` (its own thread) writing what it receives into ``folder``."""

    def __init__(self, folder: Path, port: int, host: str = "127.0.0.1"):
        self.folder = Path(folder)
        self.host, self.port = host, port
        self._controller = Controller(_KeepInFolder(self.folder), hostname=host, port=port)

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> MailCatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def messages(self) -> list[CaughtMessage]:
        return caught_messages(self.folder)


def _read(path: Path) -> CaughtMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    received = datetime.datetime.strptime(path.name.split("-")[0], _STAMP).replace(tzinfo=datetime.UTC)
    return CaughtMessage(
        to=tuple(parsed.get_all("X-Envelope-To", [])),
        subject=str(parsed.get("Subject", "")),
        text=text.get_content() if text is not None else "",
        html=html.get_content() if html is not None else None,
        received_at=received,
        path=path,
    )


def caught_messages(folder: Path) -> list[CaughtMessage]:
    """Every message caught in ``folder``, oldest first."""
    folder = Path(folder)
    return [_read(path) for path in sorted(folder.glob("*.eml"))] if folder.is_dir() else []


def newest_caught(folder: Path, start: int, count: int) -> tuple[int, list[CaughtMessage]]:
    """How many messages ``folder`` holds, and ``count`` of them from the ``start``-th newest (0 the
    newest). Only those are read, so a folder of thousands pages quickly."""
    folder = Path(folder)
    paths = sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []
    return len(paths), [_read(path) for path in paths[start:start + count]]

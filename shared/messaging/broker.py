"""The NATS JetStream broker through FastStream (DESIGN D1)."""

from __future__ import annotations

import logging

from faststream.nats import JStream, NatsBroker
from nats.js.api import StorageType
from nats.js.errors import NotFoundError

STREAM = "RJ_EVENTS"
DUPLICATE_WINDOW_SECONDS = 600  # Nats-Msg-Id de-duplication covers a relay's restart


def events_stream() -> JStream:
    """The one stream every domain event travels on."""
    return JStream(
        STREAM,
        subjects=["rj.>"],
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
        declare=True,
    )


def build_broker(nats_url: str, *, client_name: str) -> NatsBroker:
    """A broker for one service process, built from settings, never from literals."""
    # Per-message 'Received/Processed' lines go to debug: our own consumer logs say what matters.
    return NatsBroker(
        nats_url, name=client_name, max_reconnect_attempts=-1, graceful_timeout=10, log_level=logging.DEBUG
    )


async def ensure_stream(broker: NatsBroker) -> None:
    """Create ``RJ_EVENTS`` if missing (idempotent; every service may call it at start)."""
    js = broker.config.connection_state.stream
    try:
        await js.stream_info(STREAM)
    except NotFoundError:
        await js.add_stream(
            name=STREAM, subjects=["rj.>"], storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        )

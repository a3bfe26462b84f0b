"""Publishing a signed checkpoint on the broker: a second copy outside the database.

On JetStream stream ``RJ_AUDIT`` (subject ``rj-audit.checkpoint``), kept on file: not under
``rj.>``, because every service's consumers take ``rj.>`` as domain events.
"""

from __future__ import annotations

import asyncio

import nats
from nats.js.api import StorageType
from nats.js.errors import NotFoundError

STREAM = "RJ_AUDIT"
SUBJECT = "rj-audit.checkpoint"


async def publish(nats_url: str, line: str, msg_id: str, *, timeout: float = 5.0) -> str:
    """Publish one signed checkpoint line and wait for JetStream to store it. Returns where it went;
    raises what the broker raised, or TimeoutError (the caller decides that the file alone must do)."""
    async with asyncio.timeout(timeout * 3):
        return await _publish(nats_url, line, msg_id, timeout)


async def _quiet(_: Exception) -> None:
    """Connection errors are raised to the caller once, not logged at every attempt."""


async def _publish(nats_url: str, line: str, msg_id: str, timeout: float) -> str:
    # One attempt: nats-py retries a refused first connection for ever unless told a positive limit.
    client = await nats.connect(nats_url, connect_timeout=timeout, max_reconnect_attempts=1,
                                allow_reconnect=False, reconnect_time_wait=0, error_cb=_quiet)
    try:
        js = client.jetstream(timeout=timeout)
        try:
            await js.stream_info(STREAM)
        except NotFoundError:
            await js.add_stream(name=STREAM, subjects=[f"{SUBJECT.split('.')[0]}.>"], storage=StorageType.FILE)
        ack = await js.publish(SUBJECT, line.encode(), headers={"Nats-Msg-Id": msg_id}, timeout=timeout)
        return f"{ack.stream} sequence {ack.seq}"
    finally:
        await client.close()

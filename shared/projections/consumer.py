"""Durable JetStream consumers for projections and reactions (DESIGN D1, D7, D8).

A subscriber is a thin adapter: decode the CloudEvent, open it, hand it to ``Handling``.
Failures are retried with back-off up to ``max_deliver``; the last failure becomes a dead
letter and the message is acknowledged, so nothing is lost and nothing blocks the consumer.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import asyncpg
import structlog
from faststream import Context
from faststream.middlewares import AckPolicy
from faststream.nats import ConsumerConfig, NatsBroker, PullSub
from faststream.nats.message import NatsMessage
from nats.aio.msg import Msg
from nats.js.api import AckPolicy as JsAckPolicy
from nats.js.api import DeliverPolicy

from shared.contracts.registry import UnknownEventType
from shared.crypto.sealing import OpeningKeys
from shared.envelope import Envelope, open_event
from shared.messaging.broker import events_stream
from shared.messaging.cloudevents import from_cloudevent
from shared.observability import metrics
from shared.projections.deadletters import DeadLetters

log = structlog.get_logger()

BACKOFF_SECONDS = (1.0, 4.0, 15.0, 60.0, 240.0)

Handler = Callable[[Envelope], Awaitable[bool]]
"""Applies one opened event; returns False when it had already been applied."""


class Malformed(Exception):
    """A delivery that is not a CloudEvent of a known contract: no retry can mend it."""


def backoff(deliveries: int) -> float:
    """Delay before the next delivery after ``deliveries`` failed ones."""
    return BACKOFF_SECONDS[min(deliveries, len(BACKOFF_SECONDS)) - 1]


class Handling:
    """Opening, applying, retrying and dead-lettering for one named consumer."""

    def __init__(self, name: str, handler: Handler, keys: OpeningKeys | None, dead_letters: DeadLetters,
                 max_deliver: int):
        self.name, self._handler, self._keys = name, handler, keys
        self._dead, self.max_deliver = dead_letters, max_deliver

    async def apply_payload(self, body: dict[str, Any]) -> bool:
        """Apply a CloudEvent payload (from the broker, or from a dead letter being re-driven)."""
        return await self._apply(await self._open(body))

    async def _open(self, body: Any) -> Envelope:
        """The delivery as an opened, parsed event; Malformed if it cannot be one."""
        try:
            return await open_event(from_cloudevent(body), self._keys)
        except UnknownEventType:
            raise
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise Malformed(repr(error)) from error

    async def _apply(self, envelope: Envelope) -> bool:
        structlog.contextvars.bind_contextvars(
            event_id=str(envelope.event_id), correlation_id=str(envelope.recorded.correlation_id),
            stream=envelope.recorded.stream_id,
        )
        try:
            return await self._handler(envelope)
        except asyncpg.InvalidCachedStatementError:
            # A rebuild swapped the tables under a cached plan: once more, now re-planned.
            return await self._handler(envelope)

    async def on_delivery(self, _body: Any, message: Annotated[NatsMessage, Context("message")]) -> None:
        """The FastStream subscriber: hand the raw delivery over; we decode and ack ourselves."""
        await self.on_message(message.raw_message)

    async def on_message(self, raw: Msg) -> None:
        """Apply one delivery; ack, retry with back-off, or keep it as a dead letter."""
        deliveries = raw.metadata.num_delivered
        try:
            try:
                body = json.loads(raw.data)
            except ValueError as error:
                raise Malformed(repr(error)) from error
            applied = await self.apply_payload(body)
        except UnknownEventType as error:
            # Another service's newer event this build has no contract for: nothing to apply.
            log.info("consumer.unknown_event_type", consumer=self.name, subject=raw.subject, error=str(error))
            await raw.ack()
            return
        except Exception as error:
            await self._failed(raw, deliveries, error)
            return
        finally:
            structlog.contextvars.unbind_contextvars("event_id", "correlation_id", "stream")
        (metrics.events_consumed if applied else metrics.events_ignored).labels(self.name).inc()
        await raw.ack()

    async def _failed(self, raw: Msg, deliveries: int, error: Exception) -> None:
        metrics.consumer_failures.labels(self.name).inc()
        if deliveries < self.max_deliver and not isinstance(error, Malformed):  # retrying cannot mend those
            log.warning("consumer.retry", consumer=self.name, deliveries=deliveries, error=repr(error))
            await raw.nak(delay=backoff(deliveries))
            return
        try:
            payload: Any = json.loads(raw.data)
        except ValueError:
            payload = {"undecodable": raw.data.decode(errors="replace")}
        letter = await self._dead.record(
            consumer=self.name, event_id=str(payload.get("id")) if isinstance(payload, dict) else None,
            subject=raw.subject, payload=payload, error=repr(error), deliveries=deliveries,
        )
        log.error("consumer.dead_letter", consumer=self.name, dead_letter=letter, error=repr(error))
        await raw.ack()


def subscribe(broker: NatsBroker, handling: Handling, *, durable: str, subject: str = "rj.>") -> None:
    """Register a durable pull consumer on ``RJ_EVENTS`` that feeds ``handling``.

    Must be called before the broker starts. Replicas of a service share the durable name and
    so compete for messages.
    """
    broker.subscriber(
        subject,
        stream=events_stream(),
        durable=durable,
        # One message per pull: FastStream runs the messages of a pulled batch concurrently,
        # and two events of one stream must never race in a projection.
        pull_sub=PullSub(batch_size=1, timeout=5.0),
        config=ConsumerConfig(
            durable_name=durable,
            ack_policy=JsAckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_deliver=handling.max_deliver + 1,  # our own count decides; the server's is a backstop
            ack_wait=60,
        ),
        ack_policy=AckPolicy.MANUAL,
        title=f"{durable}",
        description=f"durable consumer {durable}",
    )(handling.on_delivery)

"""The relay resumes after a crash with nothing lost; consumers apply a redelivery once;
failures are retried, then kept as dead letters that can be re-driven."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass

import asyncpg
import nats
import pytest

from shared.envelope import Envelope
from shared.eventstore.port import Actor
from shared.messaging.broker import STREAM
from shared.messaging.cloudevents import subject_for, to_cloudevent
from shared.messaging.relay import PostgresCheckpoints, Relay, jetstream_publisher
from shared.runtime import ServiceDefinition, ServiceRuntime
from tests.integration.conftest import settings_for
from tests.support import a_referral, eventually, record_referral

POLICE = Actor("agency", "thames-valley-police", "partner")


async def refer(runtime: ServiceRuntime, **overrides):
    return await record_referral(runtime.store, runtime.keys, a_referral(**overrides))


async def stream_messages(nats_url: str, subjects: str = "rj.referral.>") -> int:
    """Messages on the stream from the referral service (casework adds its own as cases open)."""
    client = await nats.connect(nats_url)
    try:
        info = await client.jetstream().stream_info(STREAM, subjects_filter=subjects)
        return sum((info.state.subjects or {}).values())
    finally:
        await client.close()


async def count(runtime: ServiceRuntime, table: str) -> int:
    return await runtime.pool.fetchval(f"SELECT count(*) FROM {runtime.schema}.{table}")


async def test_a_relay_that_crashed_before_its_checkpoint_resumes_with_nothing_lost_or_doubled(system, nats_url):
    referral = system["referral"]
    for _ in range(3):
        await refer(referral)
    await eventually(lambda: _equals(count(system["reporting"], "referral_facts"), 3))

    # Crash: stop the relay, and lose its checkpoint as if the process died before saving it.
    relay_task = referral._tasks[0]
    relay_task.cancel()
    await asyncio.gather(relay_task, return_exceptions=True)
    await referral.pool.execute("DELETE FROM referral.relay_checkpoint")
    for _ in range(2):
        await refer(referral)

    restarted = Relay(name="referral", categories=["referral"], store=referral.store,
                      checkpoints=PostgresCheckpoints(referral.pool, "referral"),
                      publish=jetstream_publisher(referral.broker))
    task = asyncio.create_task(restarted.run())
    try:
        await eventually(lambda: _equals(count(system["reporting"], "referral_facts"), 5))
        await eventually(lambda: _at_least(_published(restarted), 5))
        assert await stream_messages(nats_url) == 5  # the 3 republished ones were dropped by Nats-Msg-Id
        assert restarted.published == 5
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _consumer_done(nats_url: str, durable: str, delivered: int) -> bool:
    """The consumer has been handed ``delivered`` messages and acknowledged every one."""
    client = await nats.connect(nats_url)
    try:
        info = await client.jetstream().consumer_info(STREAM, durable)
        return info.delivered.stream_seq >= delivered and info.num_ack_pending == 0 and info.num_pending == 0
    finally:
        await client.close()


async def _equals(value, expected):
    return (await value) == expected


async def _at_least(value, expected):
    return (await value) >= expected


async def _published(relay: Relay) -> int:
    return relay.published


@dataclass
class CountingProjection:
    """Counts every application of a referral's event, so a second application would show (the
    cases those referrals open come past it too, and are not what it counts)."""

    name: str = "counting"
    tables: tuple[str, ...] = ("applications",)
    ddl: str = "CREATE TABLE IF NOT EXISTS applications (event_id uuid NOT NULL, n serial)"
    failures_left: int = 0

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        if envelope.recorded.category != "referral":
            return
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("the read model's database refused the write")
        await conn.execute("INSERT INTO applications (event_id) VALUES ($1)", envelope.event_id)


async def _runtime_with(projection, fresh_database_url, nats_url, **settings) -> ServiceRuntime:
    definition = ServiceDefinition(name="testsvc", categories=("test",), projections=(projection,))
    runtime = ServiceRuntime(definition, settings_for("casework", fresh_database_url, nats_url, **settings))
    await runtime.start()
    return runtime


async def test_a_consumer_that_receives_an_event_again_applies_it_once(system, fresh_database_url, clean_nats_url):
    counting = CountingProjection()
    runtime = await _runtime_with(counting, fresh_database_url, clean_nats_url)
    try:
        referral = await refer(system["referral"])
        [recorded] = await system["referral"].store.read_stream(f"referral-{referral.referral_id}")
        # The same event published again under another message id gets past JetStream's
        # de-duplication: only the consumer's inbox stands between it and a second application.
        await runtime.broker.publish(json.dumps(to_cloudevent(recorded)), subject_for(recorded),
                                     headers={"Nats-Msg-Id": "a-different-id"}, stream=STREAM)
        await eventually(lambda: _equals(stream_messages(clean_nats_url), 2))
        await eventually(lambda: _consumer_done(clean_nats_url, "testsvc-counting", 2))  # both handled, acked
        rows = await runtime.pool.fetch("SELECT event_id FROM testsvc.applications")
        assert [r["event_id"] for r in rows] == [recorded.event_id]
    finally:
        await runtime.stop()


async def test_a_failing_event_is_retried_then_kept_as_a_dead_letter_and_can_be_redriven(
    system, fresh_database_url, clean_nats_url, monkeypatch
):
    monkeypatch.setattr("shared.projections.consumer.BACKOFF_SECONDS", (0.1,))
    counting = CountingProjection(failures_left=100)
    runtime = await _runtime_with(counting, fresh_database_url, clean_nats_url, max_deliver=3)
    try:
        referral = await refer(system["referral"])
        letters = await eventually(runtime.dead_letters.waiting, timeout=20)
        assert len(letters) == 1
        [letter] = letters
        assert letter["deliveries"] == 3 and "refused the write" in letter["error"]
        assert letter["event_id"] == str(uuid.uuid5(referral.referral_id, "ReferralReceived"))
        assert await count(runtime, "applications") == 0

        counting.failures_left = 0  # the fault is mended
        assert await runtime.redrive(letter["id"]) is True
        assert await count(runtime, "applications") == 1
        assert await runtime.dead_letters.waiting() == []
        assert await runtime.redrive(letter["id"]) is False  # a second re-drive does nothing
    finally:
        await runtime.stop()


@pytest.mark.parametrize("payload", [b"not json", b'{"specversion": "1.0", "id": "x"}'])
async def test_a_malformed_message_becomes_a_dead_letter_at_once(system, fresh_database_url, clean_nats_url, payload):
    runtime = await _runtime_with(CountingProjection(), fresh_database_url, clean_nats_url)
    try:
        await runtime.broker.publish(payload, "rj.partner.Nonsense", stream=STREAM)
        [letter] = await eventually(runtime.dead_letters.waiting)
        assert letter["deliveries"] == 1 and letter["subject"] == "rj.partner.Nonsense"
    finally:
        await runtime.stop()

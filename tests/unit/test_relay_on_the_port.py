"""The relay runs on any event-store backend: here the in-memory one, with an in-memory
checkpoint and a publisher that records what the broker would have been sent."""

from __future__ import annotations

import asyncio

from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.port import NO_STREAM, Position, RecordedEvent
from shared.messaging.relay import Relay
from tests.contract.eventstore_contract import an_event
from tests.support import eventually


class MemoryCheckpoints:
    def __init__(self) -> None:
        self.saved: dict[str, Position] = {}

    async def load(self, relay: str) -> Position:
        return self.saved.get(relay, Position.start())

    async def save(self, relay: str, position: Position) -> None:
        self.saved[relay] = position


class Broker:
    """Acknowledges every publish; remembers ids, as JetStream's duplicate window does."""

    def __init__(self) -> None:
        self.published: list[RecordedEvent] = []

    async def publish(self, event: RecordedEvent) -> bool:
        duplicate = any(p.event_id == event.event_id for p in self.published)
        if not duplicate:
            self.published.append(event)
        return duplicate


def published(broker: Broker, count: int):
    async def check() -> bool:
        return len(broker.published) == count
    return check


async def run_until(relay: Relay, done) -> None:
    task = asyncio.create_task(relay.run())
    try:
        await eventually(done, timeout=5)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_the_relay_publishes_only_its_own_categories_in_commit_order():
    store, broker, checkpoints = InMemoryEventStore(), Broker(), MemoryCheckpoints()
    await store.append("referral-1", [an_event(), an_event()], NO_STREAM)
    await store.append("case-1", [an_event()], NO_STREAM)
    await store.append("referral-2", [an_event()], NO_STREAM)
    relay = Relay(name="referral", categories=["referral"], store=store, checkpoints=checkpoints,
                  publish=broker.publish)
    await run_until(relay, published(broker, 3))
    assert [e.stream_id for e in broker.published] == ["referral-1", "referral-1", "referral-2"]
    assert checkpoints.saved["referral"] == broker.published[-1].position


async def test_a_restarted_relay_resumes_after_its_checkpoint_and_publishes_nothing_twice():
    store, broker, checkpoints = InMemoryEventStore(), Broker(), MemoryCheckpoints()
    await store.append("referral-1", [an_event(), an_event()], NO_STREAM)
    first = Relay(name="referral", categories=["referral"], store=store, checkpoints=checkpoints,
                  publish=broker.publish)
    await run_until(first, published(broker, 2))
    await store.append("referral-3", [an_event()], NO_STREAM)
    again = Relay(name="referral", categories=["referral"], store=store, checkpoints=checkpoints,
                  publish=broker.publish)
    await run_until(again, published(broker, 3))
    assert again.published == 1  # only the new event: the checkpoint held the first two

"""The event store contract on the in-process backend."""

from __future__ import annotations

import pytest

from shared.eventstore.memory import InMemoryEventStore, Transaction
from tests.contract.eventstore_contract import EventStoreContract


class TestInMemoryEventStore(EventStoreContract):
    @pytest.fixture
    async def store(self) -> InMemoryEventStore:
        return InMemoryEventStore()

    async def tamper_update(self, store: InMemoryEventStore, stream_id: str, version: int) -> None:
        event = (await store.read_stream(stream_id, version))[0]
        store._tamper_data(stream_id, version, {**event.data, "tampered": True})

    async def tamper_delete(self, store: InMemoryEventStore, stream_id: str, version: int) -> None:
        store._delete(stream_id, version)

    async def hold_open_append(self, store: InMemoryEventStore) -> Transaction:
        return store._begin()

"""Crypto-shredding end to end (DESIGN D5): sealed events in the PostgreSQL store, keys in the key
store, and what a reader gets back once a person has been forgotten."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag

from shared.contracts.base import ERASED, Contract, DataSubject, Personal
from shared.crypto.keystore import LocalKeyWrapper, PostgresKeyStore
from shared.crypto.sealing import open_sealed, seal
from shared.db import create_pool
from shared.eventstore.port import NO_STREAM, Actor, NewEvent, Position
from shared.eventstore.postgres import PostgresEventStore


class Person(DataSubject):
    name: Personal[str]
    phone: Personal[str | None] = None


class MeetingArranged(Contract):
    meeting_id: str
    venue: str
    victim: Person
    offender: Person


@dataclass
class World:
    store: PostgresEventStore
    keys: PostgresKeyStore
    kek: bytes


@pytest.fixture
async def world(fresh_database_url: str) -> AsyncIterator[World]:
    pool = await create_pool(fresh_database_url)
    try:
        store = PostgresEventStore(pool)
        kek = os.urandom(32)
        keys = PostgresKeyStore(pool, LocalKeyWrapper(kek))
        await store.migrate()
        await keys.migrate()
        yield World(store, keys, kek)
    finally:
        await pool.close()


def a_meeting() -> MeetingArranged:
    return MeetingArranged(
        meeting_id="m-1",
        venue="Aylesbury community centre",
        victim=Person(subject_id=uuid4(), name="Alex Morgan", phone="07700 900123"),
        offender=Person(subject_id=uuid4(), name="Sam Taylor"),
    )


async def record(world: World, meeting: MeetingArranged) -> str:
    stream = f"case-{uuid4()}"
    sealed = await seal(meeting, world.keys)
    event = NewEvent(
        event_id=uuid4(), event_type="MeetingArranged", schema_version=1, data=sealed,
        occurred_at=datetime.now(UTC), correlation_id=uuid4(), causation_id=None,
        actor=Actor("user", "facilitator-1", "facilitator"), producer="casework",
    )
    await world.store.append(stream, [event], NO_STREAM)
    return stream


async def test_sealed_personal_fields_are_stored_encrypted_and_open_with_the_keys(world):
    meeting = a_meeting()
    stream = await record(world, meeting)

    (stored,) = await world.store.read_stream(stream)
    stored_text = json.dumps(stored.data)
    opened = await open_sealed(stored.data, world.keys)

    for secret in ("Alex Morgan", "07700 900123", "Sam Taylor"):
        assert secret not in stored_text
    assert stored.data["venue"] == "Aylesbury community centre"
    assert opened == meeting.model_dump(mode="json")
    assert MeetingArranged.model_validate(opened) == meeting


async def test_after_forget_that_subjects_fields_read_as_erased_while_another_subject_in_the_event_still_opens(
    world,
):
    meeting = a_meeting()
    stream = await record(world, meeting)

    await world.keys.forget(meeting.victim.subject_id, by="supervisor-1")
    (stored,) = await world.store.read_stream(stream)
    opened = await open_sealed(stored.data, world.keys)

    assert opened["victim"] == {"subject_id": str(meeting.victim.subject_id), "name": ERASED, "phone": ERASED}
    assert opened["offender"] == {"subject_id": str(meeting.offender.subject_id), "name": "Sam Taylor",
                                  "phone": None}
    assert opened["venue"] == meeting.venue
    assert MeetingArranged.model_validate(opened).victim.name == ERASED
    assert await world.keys.is_forgotten(meeting.victim.subject_id)
    assert not await world.keys.is_forgotten(meeting.offender.subject_id)


async def test_forgetting_a_person_leaves_the_audit_chain_intact(world):
    meeting = a_meeting()
    stream = await record(world, meeting)
    (before,) = await world.store.read_stream(stream)

    await world.keys.forget(meeting.offender.subject_id)
    await world.keys.forget(meeting.offender.subject_id)  # twice is harmless

    (after,) = await world.store.read_stream(stream)
    assert after.data == before.data and after.hash == before.hash
    assert await world.store.verify() == []


async def test_nothing_new_about_a_forgotten_person_is_recorded(world):
    meeting = a_meeting()
    await world.keys.forget(meeting.victim.subject_id)

    stream = await record(world, meeting)

    (stored,) = await world.store.read_stream(stream)
    assert stored.data["victim"]["name"] == ERASED and stored.data["victim"]["phone"] == ERASED
    assert "Alex Morgan" not in json.dumps(stored.data)
    assert (await open_sealed(stored.data, world.keys))["offender"]["name"] == "Sam Taylor"


async def test_a_reader_without_key_access_sees_every_personal_field_as_erased(world):
    stream = await record(world, a_meeting())

    (stored,) = await world.store.read_all(Position.start())
    assert stored.stream_id == stream
    opened = await open_sealed(stored.data, None)

    assert (opened["victim"]["name"], opened["offender"]["name"]) == (ERASED, ERASED)
    assert opened["venue"] == "Aylesbury community centre"


async def test_keys_rest_wrapped_and_another_key_encryption_key_opens_nothing(world):
    meeting = a_meeting()
    stream = await record(world, meeting)
    raw = await world.keys.key_for_sealing(meeting.victim.subject_id)
    wrapped = await world.store._pool.fetchval(
        "SELECT wrapped_key FROM keystore.subject_keys WHERE subject_id = $1", meeting.victim.subject_id
    )
    assert raw is not None and raw not in wrapped

    stranger = PostgresKeyStore(world.store._pool, LocalKeyWrapper(os.urandom(32)))
    (stored,) = await world.store.read_stream(stream)
    with pytest.raises(InvalidTag):  # a wrong key-encryption key fails loudly, never as "erased"
        await open_sealed(stored.data, stranger)

"""The event store contract (DESIGN D2), written once; every backend runs it by subclassing.

A subclass provides:
- an async fixture ``store`` giving an empty store;
- ``tamper_update(store, stream_id, version)`` and ``tamper_delete(store, stream_id, version)``,
  which change or remove a stored event behind the store's back, as an intruder would;
- ``hold_open_append(store)``, a write transaction that the test keeps open on purpose: it has
  ``append(stream_id, events, expected_version)``, ``commit()`` and ``rollback()`` (a no-op once
  committed). It must take its place in the commit order when it is begun, as a PostgreSQL
  transaction does once it has a transaction id.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Protocol
from uuid import UUID, uuid4

import pytest

from shared.eventstore.port import (
    ANY_VERSION,
    NO_STREAM,
    Actor,
    AppendResult,
    EventStore,
    IdempotencyConflict,
    NewEvent,
    Position,
    RecordedEvent,
    WrongExpectedVersion,
)

WAIT = 30.0  # seconds: the bound on any wait for a follower; far above what a healthy run needs


def an_event(data: dict[str, Any] | None = None, *, event_type: str = "ThingHappened",
             event_id: UUID | None = None, occurred_at: datetime | None = None) -> NewEvent:
    return NewEvent(
        event_id=event_id or uuid4(),
        event_type=event_type,
        schema_version=1,
        data={"n": 0} if data is None else data,
        occurred_at=occurred_at or datetime.now(UTC),
        correlation_id=uuid4(),
        causation_id=None,
        actor=Actor("user", "facilitator-1", "facilitator"),
        producer="contract-tests",
    )


def events(count: int, **data: Any) -> list[NewEvent]:
    return [an_event({"n": n, **data}) for n in range(count)]


def a_stream(category: str = "thing") -> str:
    return f"{category}-{uuid4()}"


class HeldWrite(Protocol):
    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected: int | None
    ) -> AppendResult: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class Follower:
    """A subscriber running in the background, collecting what it receives."""

    def __init__(
        self, store: EventStore, after: Position | None = None, categories: Sequence[str] | None = None
    ):
        self.events: list[RecordedEvent] = []
        self._arrived = asyncio.Event()
        self._task = asyncio.create_task(self._run(store.subscribe(after or Position.start(), categories)))

    async def _run(self, subscription: AsyncIterator[RecordedEvent]) -> None:
        try:
            async with contextlib.aclosing(subscription) as received:
                async for event in received:
                    self.events.append(event)
                    self._arrived.set()
        finally:
            self._arrived.set()

    async def wait_until(self, done: Callable[[list[RecordedEvent]], bool], within: float = WAIT) -> None:
        """Wait, bounded, until ``done(events)`` holds; a dead subscription raises its error."""
        async with asyncio.timeout(within):
            while not done(self.events):
                if self._task.done():
                    self._task.result()
                    raise AssertionError("the subscription ended by itself")
                self._arrived.clear()
                await self._arrived.wait()

    async def wait_for_count(self, count: int, within: float = WAIT) -> None:
        try:
            await self.wait_until(lambda received: len(received) >= count, within)
        except TimeoutError:
            raise AssertionError(f"the follower received {len(self.events)} of {count} events") from None

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@contextlib.asynccontextmanager
async def following(store: EventStore, after: Position | None = None,
                    categories: Sequence[str] | None = None) -> AsyncIterator[Follower]:
    follower = Follower(store, after, categories)
    try:
        yield follower
    finally:
        await follower.stop()


def ids(received: Sequence[RecordedEvent]) -> list[UUID]:
    return [e.event_id for e in received]


def findings(breaks: Sequence[Any]) -> set[tuple[str, int, str]]:
    return {(b.stream_id, b.stream_version, b.problem) for b in breaks}


class EventStoreContract(ABC):
    """What every event store backend must do. Subclasses supply the ``store`` fixture and the
    hooks; a subclass missing a hook cannot be instantiated, so its tests error rather than pass."""

    @pytest.fixture
    async def store(self) -> EventStore:  # pragma: no cover - every backend overrides it
        pytest.fail(f"{type(self).__name__} must provide a `store` fixture for its backend")

    @abstractmethod
    async def tamper_update(self, store: Any, stream_id: str, version: int) -> None:
        """Change a stored event's data behind the store's back."""

    @abstractmethod
    async def tamper_delete(self, store: Any, stream_id: str, version: int) -> None:
        """Remove a stored event behind the store's back."""

    @abstractmethod
    async def hold_open_append(self, store: Any) -> HeldWrite:
        """A write that takes its place in the global order now and commits only when told."""

    # -- optimistic concurrency ------------------------------------------------------------------
    async def test_fifty_concurrent_appends_with_one_expected_version_let_exactly_one_through(self, store):
        stream = a_stream()
        await store.append(stream, events(2), NO_STREAM)
        contenders = [an_event({"contender": n}) for n in range(50)]

        outcomes = await asyncio.gather(
            *(store.append(stream, [e], 1) for e in contenders), return_exceptions=True
        )

        winners = [o for o in outcomes if isinstance(o, AppendResult)]
        losers = [o for o in outcomes if isinstance(o, WrongExpectedVersion)]
        assert len(winners) == 1, outcomes
        assert len(losers) == 49, [o for o in outcomes if not isinstance(o, WrongExpectedVersion)]
        assert winners[0].versions == (2,)
        assert all(loser.expected == 1 and loser.actual == 2 for loser in losers)
        stored = await store.read_stream(stream)
        assert [e.stream_version for e in stored] == [0, 1, 2]
        winner = contenders[outcomes.index(winners[0])]
        assert stored[2].event_id == winner.event_id

    async def test_fifty_concurrent_creators_of_one_new_stream_let_exactly_one_through(self, store):
        stream = a_stream()

        outcomes = await asyncio.gather(
            *(store.append(stream, events(2), NO_STREAM) for _ in range(50)), return_exceptions=True
        )

        assert sum(isinstance(o, AppendResult) for o in outcomes) == 1, outcomes
        assert sum(isinstance(o, WrongExpectedVersion) for o in outcomes) == 49, outcomes
        assert [e.stream_version for e in await store.read_stream(stream)] == [0, 1]

    async def test_fifty_concurrent_appends_with_any_version_all_land_without_a_gap(self, store):
        stream = a_stream()
        appended = [an_event({"n": n}) for n in range(50)]

        results = await asyncio.gather(*(store.append(stream, [e], ANY_VERSION) for e in appended))

        stored = await store.read_stream(stream)
        assert [e.stream_version for e in stored] == list(range(50))
        assert sorted(r.versions[0] for r in results) == list(range(50))
        assert {e.event_id for e in stored} == {e.event_id for e in appended}

    async def test_a_wrong_expected_version_names_the_stream_and_both_versions(self, store):
        stream = a_stream()
        await store.append(stream, events(3), NO_STREAM)

        with pytest.raises(WrongExpectedVersion) as raised:
            await store.append(stream, events(1), 0)

        assert (raised.value.stream_id, raised.value.expected, raised.value.actual) == (stream, 0, 2)
        message = str(raised.value)
        assert stream in message and "expected version 0" in message and "version 2" in message

    async def test_no_stream_on_an_existing_stream_fails_and_appends_nothing(self, store):
        stream = a_stream()
        await store.append(stream, events(1), NO_STREAM)

        with pytest.raises(WrongExpectedVersion) as raised:
            await store.append(stream, events(1), NO_STREAM)

        assert (raised.value.expected, raised.value.actual) == (NO_STREAM, 0)
        assert len(await store.read_stream(stream)) == 1

    async def test_an_expected_version_on_a_stream_that_does_not_exist_fails(self, store):
        with pytest.raises(WrongExpectedVersion) as raised:
            await store.append(a_stream(), events(1), 0)
        assert raised.value.actual == NO_STREAM

    async def test_appending_nothing_is_refused(self, store):
        with pytest.raises(ValueError):
            await store.append(a_stream(), [], NO_STREAM)

    # -- reading ----------------------------------------------------------------------------------
    async def test_read_stream_gives_the_stream_in_version_order_with_everything_recorded(self, store):
        stream, other = a_stream(), a_stream()
        first = events(3)
        sent = an_event({"nested": {"list": [1, "two", None], "flag": True}, "text": "café ✓"},
                        event_type="Other")
        await store.append(stream, first, NO_STREAM)
        await store.append(other, events(2), NO_STREAM)
        await store.append(stream, [sent], 2)

        stored = await store.read_stream(stream)

        assert [e.stream_version for e in stored] == [0, 1, 2, 3]
        assert ids(stored) == [*(e.event_id for e in first), sent.event_id]
        last = stored[-1]
        assert (last.stream_id, last.event_type, last.schema_version, last.data) == (
            stream, "Other", 1, sent.data)
        assert (last.correlation_id, last.causation_id, last.actor, last.producer) == (
            sent.correlation_id, None, sent.actor, sent.producer)
        assert last.occurred_at == sent.occurred_at
        assert last.recorded_at.tzinfo is not None
        assert last.category == "thing"
        assert [e.stream_version for e in await store.read_stream(stream, from_version=2)] == [2, 3]
        assert await store.read_stream(a_stream()) == []

    async def test_read_all_gives_every_stream_in_global_order_and_can_page_from_a_position(self, store):
        appended: list[UUID] = []
        for _ in range(3):
            batch = events(4)
            await store.append(a_stream(), batch, NO_STREAM)
            appended += [e.event_id for e in batch]

        everything = await store.read_all(Position.start())
        first_page = await store.read_all(Position.start(), limit=5)
        second_page = await store.read_all(first_page[-1].position, limit=5)
        rest = await store.read_all(second_page[-1].position)

        assert ids(everything) == appended
        assert [e.position for e in everything] == sorted(e.position for e in everything)
        assert len(set(e.position for e in everything)) == 12
        assert ids(first_page + second_page + rest) == appended
        assert await store.read_all(everything[-1].position) == []

    async def test_read_all_with_a_categories_filter_gives_only_those_categories(self, store):
        await store.append(a_stream("referral"), events(2), NO_STREAM)
        await store.append(a_stream("case"), events(2), NO_STREAM)
        await store.append(a_stream("notification"), events(2), NO_STREAM)
        await store.append(a_stream("case"), events(1), NO_STREAM)

        cases = await store.read_all(Position.start(), categories=["case"])
        mixed = await store.read_all(Position.start(), categories=["referral", "notification"])

        assert [e.category for e in cases] == ["case"] * 3
        assert sorted(e.category for e in mixed) == ["notification"] * 2 + ["referral"] * 2
        assert await store.read_all(Position.start(), categories=["nothing"]) == []

    async def test_a_stored_event_reads_back_as_appended_even_if_a_caller_changes_its_data(self, store):
        stream = a_stream()
        sent = an_event({"items": [1, 2]})
        await store.append(stream, [sent], NO_STREAM)
        sent.data["items"].append(3)

        (stored,) = await store.read_stream(stream)
        stored.data["items"].append(4)

        assert (await store.read_stream(stream))[0].data == {"items": [1, 2]}
        assert await store.verify() == []

    # -- idempotency ------------------------------------------------------------------------------
    async def test_reappending_the_same_event_ids_is_a_no_op_that_returns_the_original_positions(self, store):
        stream = a_stream()
        sent = events(3)
        original = await store.append(stream, sent, NO_STREAM)
        await store.append(a_stream(), events(2), NO_STREAM)

        again = await store.append(stream, sent, NO_STREAM)
        with_any_version = await store.append(stream, sent, ANY_VERSION)

        assert (again.versions, again.positions) == (original.versions, original.positions)
        assert (with_any_version.versions, with_any_version.positions) == (original.versions, original.positions)
        assert (original.replayed, again.replayed, with_any_version.replayed) == (False, True, True)
        assert original.versions == (0, 1, 2)
        assert len(await store.read_stream(stream)) == 3
        assert len(await store.read_all(Position.start())) == 5

    async def test_concurrent_retries_of_one_append_record_it_once(self, store):
        stream = a_stream()
        sent = events(2)

        results = await asyncio.gather(*(store.append(stream, sent, NO_STREAM) for _ in range(10)))

        assert len({(r.versions, r.positions) for r in results}) == 1
        assert [r.replayed for r in results].count(False) == 1  # exactly one of them recorded it
        assert len(await store.read_stream(stream)) == 2

    async def test_a_partial_overlap_of_event_ids_raises_an_idempotency_conflict(self, store):
        stream = a_stream()
        sent = events(2)
        await store.append(stream, sent, NO_STREAM)
        newcomer = an_event()

        with pytest.raises(IdempotencyConflict):
            await store.append(stream, [sent[0], newcomer], ANY_VERSION)
        with pytest.raises(IdempotencyConflict):
            await store.append(stream, [newcomer, sent[1]], 1)

        assert ids(await store.read_stream(stream)) == ids_of(sent)
        assert newcomer.event_id not in ids(await store.read_all(Position.start()))

    async def test_the_same_event_ids_sent_to_another_stream_raise_an_idempotency_conflict(self, store):
        sent = events(2)
        await store.append(a_stream(), sent, NO_STREAM)
        elsewhere = a_stream()

        with pytest.raises(IdempotencyConflict):
            await store.append(elsewhere, sent, NO_STREAM)
        assert await store.read_stream(elsewhere) == []

    async def test_an_append_that_repeats_an_event_id_within_itself_is_refused(self, store):
        stream = a_stream()
        twice = an_event()

        with pytest.raises(IdempotencyConflict):
            await asyncio.wait_for(store.append(stream, [twice, twice], ANY_VERSION), WAIT)
        assert await store.read_stream(stream) == []
        await store.append(stream, [twice], NO_STREAM)
        with pytest.raises(IdempotencyConflict):
            await store.append(stream, [twice, twice], ANY_VERSION)
        assert len(await store.read_stream(stream)) == 1

    # -- subscriptions ----------------------------------------------------------------------------
    async def test_a_follower_catches_up_then_follows_live_in_global_order(self, store):
        stream = a_stream()
        before = events(3)
        await store.append(stream, before, NO_STREAM)

        async with following(store) as follower:
            await follower.wait_for_count(3)
            after = events(2)
            await store.append(stream, after, 2)
            await follower.wait_for_count(5)
            await asyncio.sleep(0.1)

        assert ids(follower.events) == ids_of(before + after)
        assert [e.stream_version for e in follower.events] == [0, 1, 2, 3, 4]

    async def test_a_follower_from_a_checkpoint_gets_only_later_events_of_its_categories(self, store):
        old = await store.append(a_stream("case"), events(2), NO_STREAM)
        checkpoint = (await store.read_all(Position.start()))[-1].position
        assert old.positions[-1] == checkpoint.prepare

        async with following(store, checkpoint, categories=["case"]) as follower:
            wanted = events(2)
            await store.append(a_stream("referral"), events(3), NO_STREAM)
            await store.append(a_stream("case"), wanted, NO_STREAM)
            await follower.wait_for_count(2)
            await asyncio.sleep(0.1)

        assert ids(follower.events) == ids_of(wanted)

    async def test_twenty_concurrent_writers_reach_a_follower_exactly_once_and_in_stream_order(self, store):
        writers, per_writer, per_append = 20, 200, 2
        streams = [a_stream("load") for _ in range(writers)]

        async def write(stream: str) -> None:
            version = NO_STREAM
            for _ in range(per_writer // per_append):
                result = await store.append(stream, events(per_append, writer=stream), version)
                version = result.next_expected_version

        async with following(store, categories=["load"]) as follower:
            await asyncio.gather(*(write(s) for s in streams))
            await follower.wait_for_count(writers * per_writer, within=60)
            await asyncio.sleep(0.2)  # a duplicate would arrive now

        received = follower.events
        assert len(received) == writers * per_writer
        assert not [i for i, n in Counter(ids(received)).items() if n > 1]
        by_stream: dict[str, list[int]] = defaultdict(list)
        for event in received:
            by_stream[event.stream_id].append(event.stream_version)
        assert sorted(by_stream) == sorted(streams)
        assert all(versions == list(range(per_writer)) for versions in by_stream.values())
        assert [e.position for e in received] == sorted(e.position for e in received)
        assert ids(received) == ids(await store.read_all(Position.start(), limit=10_000))

    async def test_a_write_that_takes_an_earlier_position_but_commits_last_still_reaches_the_follower(
        self, store
    ):
        held_stream, later_stream, plain_stream = a_stream(), a_stream(), a_stream()
        held_events, later_events, plain_events = events(1), events(2), events(1)
        async with following(store) as follower:
            earlier = await self.hold_open_append(store)  # begun first: first in commit order
            held = await self.hold_open_append(store)
            try:
                held_result = await held.append(held_stream, held_events, NO_STREAM)
                later_result = await earlier.append(later_stream, later_events, NO_STREAM)
                await earlier.commit()
                plain_result = await store.append(plain_stream, plain_events, NO_STREAM)

                # The later events are out while the write holding the earlier position is open.
                assert max(held_result.positions) < min(later_result.positions)
                await follower.wait_until(
                    lambda got: set(ids_of(later_events)) <= set(ids(got)))
                checkpoint = follower.events[-1].position
                await asyncio.sleep(0.3)
                assert held_events[0].event_id not in ids(follower.events)

                await held.commit()
            finally:
                await held.rollback()
                await earlier.rollback()

            everything = ids_of(held_events + later_events + plain_events)
            await follower.wait_until(lambda got: set(everything) <= set(ids(got)))
            await asyncio.sleep(0.2)

        received = follower.events
        assert sorted(ids(received)) == sorted(everything)  # each exactly once
        assert ids(received).index(held_events[0].event_id) > ids(received).index(later_events[-1].event_id)
        (held_recorded,) = [e for e in received if e.event_id == held_events[0].event_id]
        assert held_recorded.position.prepare == held_result.positions[0]
        assert held_recorded.position.prepare < min(plain_result.positions + later_result.positions)
        assert [e.position for e in received] == sorted(e.position for e in received)
        # A reader resuming from the checkpoint it had before the late commit still gets it.
        assert held_events[0].event_id in ids(await store.read_all(checkpoint))

    async def test_a_write_that_never_commits_is_never_delivered_and_holds_nothing_back(self, store):
        async with following(store) as follower:
            held = await self.hold_open_append(store)
            try:
                await held.append(a_stream(), events(1), NO_STREAM)
            finally:
                await held.rollback()
            kept = events(2)
            await store.append(a_stream(), kept, NO_STREAM)
            await follower.wait_for_count(2)
            await asyncio.sleep(0.2)

        assert ids(follower.events) == ids_of(kept)

    # -- the audit chain --------------------------------------------------------------------------
    async def _two_streams(self, store) -> tuple[str, str]:
        first, second = a_stream(), a_stream()
        for stream in (first, second):
            await store.append(stream, events(2), NO_STREAM)
            await store.append(stream, events(2), 1)
        return first, second

    async def test_an_untouched_store_verifies_clean(self, store):
        first, _ = await self._two_streams(store)
        assert await store.verify() == []
        assert await store.verify(first) == []
        assert await store.verify(a_stream()) == []

    async def test_an_event_stamped_in_another_time_zone_verifies_clean(self, store):
        stream = a_stream()
        local = datetime(2024, 6, 1, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
        await store.append(stream, [an_event(occurred_at=local)], NO_STREAM)

        (stored,) = await store.read_stream(stream)
        assert stored.occurred_at == local
        assert await store.verify() == []

    async def test_numbers_the_store_normalises_still_verify_clean(self, store):
        stream = a_stream()
        data = {"big": 1e16, "huge": -2.5e20, "small": 1e-05, "half": 0.5, "whole": 3.0, "int": 7}
        await store.append(stream, [an_event(data)], NO_STREAM)
        assert await store.verify(stream) == []

    async def test_the_verifier_reports_an_altered_event(self, store):
        first, second = await self._two_streams(store)

        await self.tamper_update(store, first, 1)

        assert findings(await store.verify()) == {(first, 1, "altered")}
        assert findings(await store.verify(first)) == {(first, 1, "altered")}
        assert await store.verify(second) == []

    async def test_the_verifier_reports_a_deleted_event_as_missing(self, store):
        first, second = await self._two_streams(store)

        await self.tamper_delete(store, first, 2)

        found = findings(await store.verify())
        assert (first, 2, "missing") in found
        assert {f[0] for f in found} == {first}
        assert await store.verify(second) == []

    async def test_the_verifier_reports_the_newest_event_deleted_as_missing(self, store):
        _, second = await self._two_streams(store)

        await self.tamper_delete(store, second, 3)

        assert findings(await store.verify()) == {(second, 3, "missing")}

    async def test_the_verifier_reports_the_first_event_deleted_as_missing(self, store):
        first, _ = await self._two_streams(store)

        await self.tamper_delete(store, first, 0)

        assert (first, 0, "missing") in findings(await store.verify(first))

    async def test_the_verifier_reports_a_stream_whose_every_event_was_deleted(self, store):
        first, _ = await self._two_streams(store)

        for version in range(4):
            await self.tamper_delete(store, first, version)

        assert findings(await store.verify()) == {(first, 0, "missing")}


def ids_of(sent: Sequence[NewEvent]) -> list[UUID]:
    return [e.event_id for e in sent]

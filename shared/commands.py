"""The generic command executor (DESIGN D6): load a stream, fold it, decide, append with the
expected version, and retry a bounded number of times when another writer got there first.

A service supplies the pure parts (its initial state, ``evolve`` and a ``decide`` function);
everything with I/O is here, written once. Rule errors derive from ``RuleBroken`` so that every
service's web layer can turn them into problem documents in one place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from shared.contracts.base import DomainEvent
from shared.crypto.sealing import OpeningKeys, SealingKeys
from shared.envelope import Cause, new_event, open_event
from shared.eventstore.port import NO_STREAM, EventStore, RecordedEvent, WrongExpectedVersion

S = TypeVar("S")

Evolve = Callable[[S, DomainEvent], S]
Decide = Callable[[S], list[DomainEvent]]
Handler = Callable[[Any, Cause, Any], Awaitable[Any]]


class RuleBroken(Exception):
    """A domain rule refuses a command; the message says which rule and why.

    ``field`` names the input at fault, when there is one (dotted, as in ``victim.email``), and
    ``pointer`` overrides the JSON pointer derived from it (for a header, say). The edge that
    knows where the input sat in its request (which event of a batch) sets that with ``located``.
    """

    def __init__(self, detail: str, *, field: str | None = None, pointer: str | None = None):
        super().__init__(detail)
        self.detail, self.field, self.pointer = detail, field, pointer
        self.extensions: dict[str, Any] = {}
        """Further members for the problem document (what the client needs to recover)."""
        self.where: str | None = None
        self.path: tuple[str | int, ...] = ()

    def located(self, where: str, *path: str | int) -> RuleBroken:
        """This error placed in the request: ``where`` for people (``event 'crm-1'``), ``path`` for
        the field's JSON pointer (``0, "data"`` for the data of a batch's first event)."""
        self.where, self.path = where, path
        return self


@dataclass(frozen=True)
class Aggregate(Generic[S]):
    """How a stream folds into state: the state before any event, and one step."""

    initial: S
    evolve: Evolve[S]

    def fold(self, events: Sequence[DomainEvent], state: S | None = None) -> S:
        """The state after ``events``, starting from ``state`` (or the initial state)."""
        state = self.initial if state is None else state
        for event in events:
            state = self.evolve(state, event)
        return state


@dataclass(frozen=True)
class Loaded(Generic[S]):
    """A stream as read: its recorded events, the folded state and its version."""

    recorded: list[RecordedEvent]
    state: S

    @property
    def version(self) -> int:
        return self.recorded[-1].stream_version if self.recorded else NO_STREAM

    def has(self, event_ids: Sequence[UUID]) -> bool:
        """Whether every one of ``event_ids`` is already in the stream (a repeated command)."""
        ids = {r.event_id for r in self.recorded}
        return bool(event_ids) and all(i in ids for i in event_ids)


@dataclass(frozen=True)
class Executed:
    """What a command did: the events it recorded now (none when it had been recorded before)."""

    stream_id: str
    events: list[DomainEvent]
    event_ids: list[UUID]
    recorded: bool
    version: int = NO_STREAM
    """The stream's version after the command (as the command found it, when it recorded nothing)."""


async def load(store: EventStore, stream_id: str, aggregate: Aggregate[S],
               keys: OpeningKeys | None = None) -> Loaded[S]:
    """Read and fold a stream. Without ``keys`` personal fields stay sealed: a service whose rules
    need no personal data folds without opening any."""
    recorded = await store.read_stream(stream_id)
    events = [(await open_event(r, keys)).event for r in recorded]
    return Loaded(recorded, aggregate.fold(events))


async def execute(
    store: EventStore, stream_id: str, aggregate: Aggregate[S], decide: Decide[S], cause: Cause,
    keys: SealingKeys, *, event_ids: Sequence[UUID] = (), opening_keys: OpeningKeys | None = None,
    attempts: int = 3,
) -> Executed:
    """Decide on the stream's current state and append what was decided.

    ``event_ids``, when given, make the command idempotent: if the stream already holds them the
    command is answered as recorded before, without asking the rules again (a repeat of an
    accepted withdrawal is not refused because the referral is now withdrawn). A version conflict
    re-reads the stream and decides again, up to ``attempts`` times; rule errors propagate.
    """
    for attempt in range(attempts):
        loaded = await load(store, stream_id, aggregate, opening_keys)
        if loaded.has(event_ids):
            return Executed(stream_id, [], list(event_ids), recorded=False, version=loaded.version)
        decided = decide(loaded.state)
        if not decided:
            return Executed(stream_id, [], [], recorded=False, version=loaded.version)
        ids = list(event_ids) if event_ids else [None] * len(decided)
        if len(ids) != len(decided):
            raise ValueError(f"{len(decided)} events decided but {len(ids)} event ids given")
        new = [await new_event(event, cause, keys, event_id=event_id)
               for event, event_id in zip(decided, ids, strict=True)]
        try:
            appended = await store.append(stream_id, new, loaded.version)
        except WrongExpectedVersion:
            if attempt == attempts - 1:
                raise
            continue
        if appended.replayed:  # a concurrent run of the same command recorded these ids first
            return Executed(stream_id, [], list(event_ids), recorded=False, version=appended.next_expected_version)
        return Executed(stream_id, decided, [n.event_id for n in new], recorded=True,
                        version=appended.next_expected_version)
    raise AssertionError("unreachable")


class CommandTable:
    """A service's visible table from command class to the handler that carries it out."""

    def __init__(self, handlers: Mapping[type, Handler]):
        self.handlers = dict(handlers)

    async def handle(self, command: Any, cause: Cause, dependencies: Any) -> Any:
        """Carry out ``command`` with the handler the table names for its class."""
        try:
            handler = self.handlers[type(command)]
        except KeyError:
            raise LookupError(f"no handler for {type(command).__name__}") from None
        return await handler(command, cause, dependencies)

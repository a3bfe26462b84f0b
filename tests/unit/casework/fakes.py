"""In-memory stand-ins for the casework service's ports, with the Postgres adapters' semantics."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from services.casework.domain.people import Person
from services.casework.handlers import Dependencies
from shared.eventstore.memory import InMemoryEventStore
from shared.numbering import parts, reference
from tests.unit.casework.examples import NOW, STAFF
from tests.unit.referral.fakes import FixedClock, InMemoryKeys


class FakeCaseReferences:
    """``casework.reference_seq`` and ``casework.returned_references``."""

    def __init__(self) -> None:
        self._next, self.returned = 1, set()

    async def next(self, year: int) -> str:
        await asyncio.sleep(0)
        mine = sorted(n for y, n in self.returned if y == year)
        if mine:
            self.returned.discard((year, mine[0]))
            return reference("RJ", year, mine[0])
        number, self._next = self._next, self._next + 1
        return reference("RJ", year, number)

    async def release(self, value: str) -> None:
        await asyncio.sleep(0)
        self.returned.add(parts(value))


class FakeStaff:
    """The identity accounts: enabled people by username."""

    def __init__(self, people: dict[str, Person]):
        self._people = dict(people)

    async def people(self, usernames: Iterable[str]) -> dict[str, Person]:
        await asyncio.sleep(0)
        return {u: self._people[u] for u in usernames if u in self._people}


def dependencies(**overrides: Any) -> Dependencies:
    built = Dependencies(store=InMemoryEventStore(), keys=InMemoryKeys(), references=FakeCaseReferences(),
                         staff=FakeStaff(STAFF), clock=FixedClock(NOW))
    return replace(built, **overrides)

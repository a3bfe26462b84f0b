"""Staff as the notifications service reaches them: enabled accounts with a work email on record
(``shared.identity``), the email opened with the service's keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import asyncpg

from shared.crypto.sealing import OpeningKeys
from shared.identity.accounts import Accounts
from shared.identity.contact import opened_email


@dataclass(frozen=True)
class StaffMember:
    username: str
    name: str
    email: str


class StaffDirectory(Protocol):
    async def members(self, *, role: str | None = None, usernames: Sequence[str] = ()) -> list[StaffMember]:
        """The enabled accounts in ``role`` or called ``usernames`` that have a readable work email."""
        ...

    async def name_of(self, username: str) -> str:
        """How a member of staff is named to others (their display name; the username if unknown)."""
        ...


class AccountsDirectory:
    """The ``StaffDirectory`` port over the accounts in ``identity.accounts``."""

    def __init__(self, pool: asyncpg.Pool, keys: OpeningKeys):
        self._accounts, self._keys = Accounts(pool), keys

    async def members(self, *, role: str | None = None, usernames: Sequence[str] = ()) -> list[StaffMember]:
        found = await self._accounts.contacts(role=role, usernames=usernames)
        members = [StaffMember(username, name, await opened_email(contact, self._keys))
                   for username, (name, contact) in found.items()]
        return [member for member in members if member.email]

    async def name_of(self, username: str) -> str:
        account = await self._accounts.get(username)
        return account.display_name if account else username


class MemoryDirectory:
    """The ``StaffDirectory`` port in memory, for unit tests: (username, name, role, email) rows."""

    def __init__(self, *people: tuple[str, str, str, str | None]):
        self.people = people

    async def members(self, *, role: str | None = None, usernames: Sequence[str] = ()) -> list[StaffMember]:
        wanted = {name.lower() for name in usernames}
        return [StaffMember(username, name, email) for username, name, kind, email in self.people
                if email and (kind == role or username.lower() in wanted)]

    async def name_of(self, username: str) -> str:
        return next((name for user, name, _, _ in self.people if user.lower() == username.lower()), username)

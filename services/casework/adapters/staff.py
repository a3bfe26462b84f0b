"""Who works here, as the casework rules know people: from the accounts of the identity schema."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from services.casework.domain.people import Person
from shared.identity.accounts import Accounts


class StaffDirectory(Protocol):
    async def people(self, usernames: Iterable[str]) -> dict[str, Person]:
        """The enabled accounts among ``usernames`` (unknown and disabled ones are absent)."""
        ...


class AccountsDirectory:
    def __init__(self, accounts: Accounts):
        self._accounts = accounts

    async def people(self, usernames: Iterable[str]) -> dict[str, Person]:
        found = {}
        for username in set(usernames):
            account = await self._accounts.get(username)
            if account is not None and account.enabled:
                found[username] = Person(account.username, account.role, account.level)
        return found

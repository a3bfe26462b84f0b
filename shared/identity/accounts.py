"""Local accounts of the people who use the system: who they are, their role, their password."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg

from shared.db import migrate, sql_scripts
from shared.identity.passwords import Passwords

SQL_DIR = Path(__file__).parent / "sql"
ROLES = ("facilitator", "supervisor", "auditor", "commissioner", "admin")
LEVELS = ("foundation", "intermediate", "advanced")
LEVELLED_ROLES = ("facilitator", "supervisor")
"""Practitioners: the roles that carry a practitioner level."""

# ASCII only: with any Unicode letter, "admin" spelt with a Cyrillic "a" would be a second "admin".
USERNAME = re.compile(r"[A-Za-z0-9._-]{3,64}")
_COLUMNS = "username, display_name, role, level, enabled, created_at, disabled_at"


class AccountError(ValueError):
    """An account that cannot be made as asked; the message names the field and what is allowed."""


class UsernameTaken(AccountError):
    pass


@dataclass(frozen=True)
class Account:
    """An account as others see it: never its password hash."""

    username: str
    display_name: str
    role: str
    level: str | None
    enabled: bool
    created_at: datetime
    disabled_at: datetime | None


def is_username(value: str) -> bool:
    """Whether ``value`` has the shape of a username (3 to 64 of letters, digits, ``.``, ``_``, ``-``)."""
    return USERNAME.fullmatch(value) is not None


def check_account(username: str, role: str, level: str | None, display_name: str) -> None:
    """Raise :class:`AccountError` naming the first field that is not allowed."""
    if not is_username(username):
        raise AccountError(f"username: {username!r} is not allowed; use 3 to 64 of the letters a-z and A-Z,"
                           " digits, '.', '_' and '-'")
    if role not in ROLES:
        raise AccountError(f"role: {role!r} is not a role; allowed: {', '.join(ROLES)}")
    if level is not None and level not in LEVELS:
        raise AccountError(f"level: {level!r} is not a practitioner level; allowed: {', '.join(LEVELS)}")
    if role in LEVELLED_ROLES and level is None:
        raise AccountError(f"level: a {role} needs a practitioner level; allowed: {', '.join(LEVELS)}")
    if role not in LEVELLED_ROLES and level is not None:
        raise AccountError(f"level: only a {' or '.join(LEVELLED_ROLES)} has a practitioner level,"
                           f" not a {role}; leave it out")
    if not display_name.strip() or len(display_name) > 200 or not display_name.isprintable():
        raise AccountError("display name: must be 1 to 200 printable characters")


class Accounts:
    """Local accounts in ``identity.accounts``. Usernames are unique whatever their case."""

    def __init__(self, pool: asyncpg.Pool, passwords: Passwords | None = None):
        self._pool, self._passwords = pool, passwords or Passwords()

    @property
    def pool(self) -> asyncpg.Pool:
        return self._pool

    async def migrate(self) -> None:
        """Create the identity schema (accounts and sessions) if it is not there yet."""
        await migrate(self._pool, "identity", sql_scripts(SQL_DIR))

    async def add(self, username: str, password: str, *, role: str, level: str | None = None,
                  display_name: str | None = None) -> Account:
        """Make an enabled account; :class:`AccountError` (a ValueError) names what is wrong."""
        display_name = username if display_name is None else display_name
        check_account(username, role, level, display_name)
        try:
            hashed = await asyncio.to_thread(self._passwords.hash, password)  # argon2 takes ~50 ms of CPU
        except ValueError as error:
            raise AccountError(str(error)) from None
        try:
            row = await self._pool.fetchrow(
                f"INSERT INTO identity.accounts (username, display_name, role, level, password_hash)"
                f" VALUES ($1, $2, $3, $4, $5) RETURNING {_COLUMNS}",
                username, display_name, role, level, hashed,
            )
        except asyncpg.UniqueViolationError:
            raise UsernameTaken(f"username: {username!r} is taken (usernames are the same whatever"
                                " their case); choose another") from None
        return Account(**row)

    async def get(self, username: str) -> Account | None:
        """The account called ``username`` in any case, or None."""
        if not is_username(username):
            return None  # also keeps NULs and lone surrogates away from PostgreSQL
        row = await self._pool.fetchrow(
            f"SELECT {_COLUMNS} FROM identity.accounts WHERE lower(username) = lower($1)", username
        )
        return None if row is None else Account(**row)

    async def list(self) -> list[Account]:
        """Every account, by username."""
        rows = await self._pool.fetch(f"SELECT {_COLUMNS} FROM identity.accounts ORDER BY lower(username)")
        return [Account(**row) for row in rows]

    async def disable(self, username: str) -> Account | None:
        """Stop the account signing in and end its sessions at once; None if there is no such account."""
        if not is_username(username):
            return None
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                f"UPDATE identity.accounts SET enabled = false, disabled_at = coalesce(disabled_at, now())"
                f" WHERE lower(username) = lower($1) RETURNING {_COLUMNS}", username,
            )
            if row is not None:
                await conn.execute("UPDATE identity.sessions SET revoked_at = now()"
                                   " WHERE username = $1 AND revoked_at IS NULL", row["username"])
        return None if row is None else Account(**row)

    async def enable(self, username: str) -> Account | None:
        """Let the account sign in again (its old sessions stay ended); None if there is no such account."""
        if not is_username(username):
            return None
        row = await self._pool.fetchrow(
            f"UPDATE identity.accounts SET enabled = true, disabled_at = NULL"
            f" WHERE lower(username) = lower($1) RETURNING {_COLUMNS}", username,
        )
        return None if row is None else Account(**row)

    async def set_contact(self, username: str, contact: dict | None) -> Account | None:
        """Keep a sealed work contact (``shared.identity.contact``) on the account; None if there is none."""
        if not is_username(username):
            return None
        row = await self._pool.fetchrow(
            f"UPDATE identity.accounts SET contact = $2 WHERE lower(username) = lower($1) RETURNING {_COLUMNS}",
            username, contact,
        )
        return None if row is None else Account(**row)

    async def contacts(self, *, role: str | None = None,
                       usernames: Sequence[str] = ()) -> dict[str, tuple[str, dict]]:
        """(display name, sealed contact) of the enabled accounts in ``role`` or called ``usernames``
        (any case) that have a contact on record."""
        names = [name.lower() for name in usernames if is_username(name)]
        rows = await self._pool.fetch(
            "SELECT username, display_name, contact FROM identity.accounts WHERE enabled AND contact IS NOT NULL"
            " AND (role = $1 OR lower(username) = ANY($2::text[])) ORDER BY lower(username)",
            role, names,
        )
        return {row["username"]: (row["display_name"], row["contact"]) for row in rows}

    async def verify_password(self, username: str, password: str) -> Account | None:
        """The enabled account if ``password`` is its password, else None. An unknown or disabled
        user costs the same hash as a known one, so timing does not tell which half was wrong."""
        row = None
        if is_username(username):
            row = await self._pool.fetchrow(
                f"SELECT {_COLUMNS}, password_hash FROM identity.accounts WHERE lower(username) = lower($1)",
                username,
            )
        stored = None if row is None else row["password_hash"]
        if not await asyncio.to_thread(self._passwords.verify, stored, password) or not row["enabled"]:
            return None
        if self._passwords.needs_rehash(stored):
            await self._rehash(row["username"], stored, password)
        return Account(**{k: v for k, v in row.items() if k != "password_hash"})

    async def is_enabled(self, username: str) -> bool:
        """Whether the account exists and is enabled: one indexed query, for every request."""
        return is_username(username) and bool(await self._pool.fetchval(
            "SELECT enabled FROM identity.accounts WHERE lower(username) = lower($1)", username
        ))

    async def _rehash(self, username: str, old: str, password: str) -> None:
        # The hasher's parameters changed since this hash was made; the password is at hand only now.
        fresh = await asyncio.to_thread(self._passwords.rehash, password)
        await self._pool.execute(  # only if nobody changed it meanwhile
            "UPDATE identity.accounts SET password_hash = $3 WHERE username = $1 AND password_hash = $2",
            username, old, fresh,
        )

"""Staff work email addresses, sealed like every other person's details (DESIGN D5).

An account's address is kept in ``identity.accounts.contact`` as a sealed ``StaffContact``: the
subject is derived from the username, so whoever holds the key-encryption key (``rj user``, the
notifications service) seals and opens it, and forgetting that key erases the address.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from email_validator import EmailNotValidError, validate_email

from shared.contracts.base import DataSubject, Personal
from shared.crypto.sealing import OpeningKeys, SealingKeys, open_sealed, seal

STAFF = UUID("0d7b7f52-5f43-5d8e-9a0b-3c6a1e2f9b44")
"""The namespace of staff members' data-subject ids."""


class StaffContact(DataSubject):
    """How the system reaches a member of staff."""

    email: Personal[str]


def staff_subject(username: str) -> UUID:
    """The data-subject id of an account: the same whatever the username's case."""
    return uuid5(STAFF, username.lower())


def checked_email(value: str) -> str:
    """``value`` as a deliverable-looking address (normalised), or ValueError naming the field."""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"email: {value!r} is not an email address ({error})") from None


async def sealed_contact(username: str, email: str, keys: SealingKeys) -> dict[str, Any]:
    """What ``identity.accounts.contact`` holds for ``email``."""
    return await seal(StaffContact(subject_id=staff_subject(username), email=checked_email(email)), keys)


async def opened_email(contact: dict[str, Any] | None, keys: OpeningKeys) -> str | None:
    """The address in a stored contact; None when there is none or it was erased."""
    if not contact:
        return None
    email = (await open_sealed(contact, keys)).get("email")
    return email if isinstance(email, str) and "@" in email else None

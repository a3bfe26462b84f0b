"""What every case event shares: the case it belongs to, and who its personal fields are about."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import DataSubject, DomainEvent, Personal
from shared.contracts.referral import ContactPreferences

Party = Literal["victim", "offender"]
"""The two sides of a restorative process."""
Participant = Literal["victim", "offender", "supporter"]
"""Anyone who takes part: the parties and their supporters."""


class CaseEvent(DomainEvent, producer="casework", category="case"):
    """An event the casework service records, in a ``case-<uuid>`` stream."""

    case_id: UUID


class SubjectEvent(CaseEvent):
    """A case event whose free text is about one person: sealed under ``subject_id``'s key."""

    personal_data_of = "subject_id"

    subject_id: UUID = Field(description="the data subject whose key seals this event's personal fields")


class CaseParty(DataSubject):
    """A party as the case knows them: enough to reach them safely, and to recognise their
    details in a letter that must not carry them to the other side."""

    name: Personal[str | None] = None
    email: Personal[str | None] = None
    phone: Personal[str | None] = None
    address: Personal[str | None] = None
    postcode: Personal[str | None] = None
    contact_preferences: ContactPreferences | None = None

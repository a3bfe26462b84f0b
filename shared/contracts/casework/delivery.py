"""Indirect work (shuttle messages, letters) and direct work (conferences)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Personal
from shared.contracts.casework.base import CaseEvent, Party, SubjectEvent
from shared.contracts.registry import contract

Direction = Literal["victim_to_offender", "offender_to_victim"]


@contract
class ShuttleMessageDelivered(SubjectEvent):
    """A message carried by the facilitator; sealed under its author's key."""

    message_id: UUID
    direction: Direction
    medium: Literal["spoken", "written", "recorded"]
    summary: Personal[str]


@contract
class LetterReceived(SubjectEvent):
    """A letter from one party for the other, as written; sealed under its author's key."""

    letter_id: UUID
    from_party: Party
    content: Personal[str]


@contract
class LetterVetted(SubjectEvent):
    """The letter as it may be delivered: identifying details removed, checked by a facilitator."""

    letter_id: UUID
    content: Personal[str]
    vetted_by: str


@contract
class LetterDelivered(CaseEvent):
    letter_id: UUID
    to_party: Party


@contract
class LetterHeld(CaseEvent):
    """A letter not to be delivered while the consent it depended on no longer stands."""

    letter_id: UUID
    reason: str


@contract
class ConferenceScheduled(SubjectEvent):
    """Venue and safety plan say where the victim will be: sealed under the victim's key."""

    conference_id: UUID
    at: datetime
    venue: Personal[str]
    participants: tuple[str, ...] = Field(description="who takes part: victim, offender, supporters, facilitators")
    safety_plan: Personal[str | None] = None


@contract
class ConferenceRescheduled(SubjectEvent):
    conference_id: UUID
    at: datetime
    venue: Personal[str | None] = None


@contract
class ConferenceCancelled(CaseEvent):
    conference_id: UUID
    reason: str


@contract
class ConferenceHeld(CaseEvent):
    conference_id: UUID
    held_at: datetime

"""The base of every event contract (DESIGN D4) and the marker for personal data (D5)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

ERASED = "[erased]"
"""What a personal field reads as once its subject's key is destroyed, or to a reader without keys."""


class PersonalData:
    """Metadata on a field: its value is personal data of the enclosing ``DataSubject``."""

    def __repr__(self) -> str:
        return "PersonalData()"


PERSONAL = PersonalData()

Personal = Annotated[T | Literal["[erased]"], PERSONAL, Field(json_schema_extra={"x-personal-data": True})]
"""A personal field: encrypted with its subject's key, read back as ``ERASED`` once forgotten."""


class Contract(BaseModel):
    """Frozen, and tolerant of fields it does not know (a newer producer may add them)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class DataSubject(Contract):
    """A person whose personal fields are encrypted under their own key."""

    subject_id: UUID


class DomainEvent(Contract):
    """An event's data. ``event_type`` and ``schema_version`` identify the contract.

    Each producing service has one base class naming itself, so an event declares only its own
    fields: ``class ReferralEvent(DomainEvent, producer="referral", category="referral")``, then
    ``class ReferralWithdrawn(ReferralEvent)``. The event type is the class name unless given.
    """

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    producer: ClassVar[str]
    category: ClassVar[str]
    """The stream category the producer appends this event to (``referral``, ``case``…)."""
    personal_data_of: ClassVar[str | None] = None
    """The field holding the DataSubject whose key seals personal fields found outside any subject."""

    def __init_subclass__(cls, *, producer: str | None = None, category: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if producer is not None:
            cls.producer, cls.category = producer, category or producer
        if "event_type" not in cls.__dict__:
            cls.event_type = cls.__name__

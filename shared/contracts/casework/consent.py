"""Consent: to take part, kept apart from consent to share information or to a court report."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.contracts.casework.base import CaseEvent, Participant
from shared.contracts.registry import contract

Scope = Literal["participation", "information_sharing", "court_report"]


@contract
class ConsentGiven(CaseEvent):
    consent_id: UUID
    party: Participant
    scope: Scope
    agency: str | None = Field(default=None, description="the named agency information may be shared with")
    form: Literal["written", "verbal"]


@contract
class ConsentWithdrawn(CaseEvent):
    consent_id: UUID
    party: Participant
    scope: Scope
    reason: str | None = None

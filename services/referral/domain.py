"""Referral rules. Pure: no I/O; decide on a command against the folded state (DESIGN D6)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from shared.contracts.base import DomainEvent
from shared.contracts.referral import ReferralReceived, ReferralWithdrawn


class ReferralRuleBroken(Exception):
    """A rule forbids the command as it stands."""


class UnknownReferral(ReferralRuleBroken):
    """No referral with that id was made by whoever is asking."""


@dataclass(frozen=True)
class ReferralState:
    referral_id: UUID | None = None
    reference: str | None = None
    agency_id: str | None = None
    withdrawn: bool = False
    version: int = -1


def evolve(state: ReferralState, event: DomainEvent) -> ReferralState:
    """Fold one event into the referral's state."""
    match event:
        case ReferralReceived():
            state = replace(state, referral_id=event.referral_id, reference=event.reference,
                            agency_id=event.agency_id)
        case ReferralWithdrawn():
            state = replace(state, withdrawn=True)
    return replace(state, version=state.version + 1)


def fold(events: list[DomainEvent]) -> ReferralState:
    state = ReferralState()
    for event in events:
        state = evolve(state, event)
    return state


def decide_receive(referral: ReferralReceived, state: ReferralState) -> list[DomainEvent]:
    """A referral is received once; its stream must be new."""
    if state.referral_id is not None:
        raise ReferralRuleBroken(f"referral {state.referral_id} has already been received")
    return [referral]


def decide_update(update: DomainEvent, state: ReferralState, agency_id: str | None) -> list[DomainEvent]:
    """An agency may update only a referral it made, and nothing after it was withdrawn."""
    if state.referral_id is None or (agency_id is not None and state.agency_id != agency_id):
        raise UnknownReferral("no such referral from this agency")
    if state.withdrawn:
        raise ReferralRuleBroken(f"referral {state.reference} was withdrawn; it takes no further updates")
    return [update]

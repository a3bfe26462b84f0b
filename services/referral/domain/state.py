"""A referral's history folded into what its rules need: who made it and whether it stands."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from shared.commands import Aggregate
from shared.contracts.base import DomainEvent
from shared.contracts.referral import ReferralReceived, ReferralWithdrawn


@dataclass(frozen=True)
class ReferralState:
    referral_id: UUID | None = None
    reference: str | None = None
    agency_id: str | None = None
    withdrawn: bool = False

    @property
    def received(self) -> bool:
        return self.referral_id is not None


def evolve(state: ReferralState, event: DomainEvent) -> ReferralState:
    """Fold one event into the referral's state; events the rules do not need change nothing."""
    match event:
        case ReferralReceived():
            return replace(state, referral_id=event.referral_id, reference=event.reference,
                           agency_id=event.agency_id)
        case ReferralWithdrawn():
            return replace(state, withdrawn=True)
    return state


REFERRAL = Aggregate(ReferralState(), evolve)


def referral_stream(referral_id: UUID) -> str:
    """The stream a referral's events are recorded in (DESIGN D3)."""
    return f"referral-{referral_id}"

"""A referral's history folded into what its rules need: who made it and whether it stands."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from shared.commands import Aggregate
from shared.contracts.base import DomainEvent
from shared.contracts.referral import ProgressLinkRevoked, ReferralReceived, ReferralWithdrawn


@dataclass(frozen=True)
class ReferralState:
    referral_id: UUID | None = None
    reference: str | None = None
    agency_id: str | None = None
    withdrawn: bool = False
    links_revoked_at: datetime | None = None
    """The victim's progress links made at or before this moment no longer work."""

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
        case ProgressLinkRevoked():
            return replace(state, links_revoked_at=event.revoked_at)
    return state


REFERRAL = Aggregate(ReferralState(), evolve)


def referral_stream(referral_id: UUID) -> str:
    """The stream a referral's events are recorded in (DESIGN D3)."""
    return f"referral-{referral_id}"


def progress_stream(referral_id: UUID) -> str:
    """Where views of a referral's progress page are recorded: apart, so a view changes no version."""
    return f"progress-{referral_id}"

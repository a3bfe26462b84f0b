"""Referral intake rules. Pure: no I/O; decide on a command, return the events (DESIGN D6)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from shared.contracts.referral import ReferralReceived


class ReferralRejected(ValueError):
    """A rule forbids this referral as it stands."""


@dataclass(frozen=True)
class ReceiveReferral:
    """Record a referral that has passed validation at the edge."""

    referral: ReferralReceived


@dataclass(frozen=True)
class ReferralState:
    referral_id: UUID | None = None
    withdrawn: bool = False


def decide_receive(command: ReceiveReferral, state: ReferralState) -> list[ReferralReceived]:
    """A referral is received once; the stream must be new."""
    if state.referral_id is not None:
        raise ReferralRejected(f"referral {state.referral_id} has already been received")
    return [command.referral]


def evolve(state: ReferralState, event) -> ReferralState:
    """Fold one event into the referral's state."""
    if isinstance(event, ReferralReceived):
        return ReferralState(referral_id=event.referral_id)
    if event.event_type == "ReferralWithdrawn":
        return ReferralState(referral_id=state.referral_id, withdrawn=True)
    return state

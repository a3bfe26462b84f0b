"""Referral use cases: load, decide, append (DESIGN D6)."""

from __future__ import annotations

from dataclasses import dataclass

from services.referral.domain import ReceiveReferral, ReferralState, decide_receive
from shared.crypto.sealing import SealingKeys
from shared.envelope import Cause, new_event
from shared.eventstore.port import NO_STREAM, AppendResult, EventStore


@dataclass(frozen=True)
class Deps:
    store: EventStore
    keys: SealingKeys


def referral_stream(referral_id) -> str:
    return f"referral-{referral_id}"


async def receive_referral(command: ReceiveReferral, cause: Cause, deps: Deps) -> AppendResult:
    """Record ``ReferralReceived`` on a new stream; its event id derives from the referral id,
    so a retried request appends nothing new."""
    events = decide_receive(command, ReferralState())
    referral_id = command.referral.referral_id
    batch = [await new_event(e, cause, deps.keys, event_id=referral_id) for e in events]
    return await deps.store.append(referral_stream(referral_id), batch, NO_STREAM)

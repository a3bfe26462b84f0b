"""A partner's CloudEvents: referrals and updates, recorded all together or not at all.

Every update is first decided against its referral as the events before it in the same request
would leave it (a withdrawal then a sentence for one referral refuses the sentence), so that a
refusal anywhere records nothing; only then is each recorded, in order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from uuid import UUID

from services.referral.domain.commands import ReceiveReferral, RecordPartnerEvents, SentReferral, SentUpdate
from services.referral.domain.decide import decide_update, ensure_may_refer
from services.referral.domain.state import REFERRAL, ReferralState, referral_stream
from services.referral.handlers.dependencies import Dependencies
from services.referral.handlers.receive import (
    Submitted,
    receive_referral,
    recorded_receipt,
    referral_id_for,
    request_digest,
)
from shared.commands import RuleBroken, execute, load
from shared.envelope import Cause


@dataclass(frozen=True)
class UpdateRecorded:
    referral_id: UUID
    created: bool


def idempotency_key(source: str, event_id: str) -> str:
    """What makes a partner's CloudEvent unique: its source and id (CloudEvents spec)."""
    return f"ce:{source}:{event_id}"


def update_event_id(agency_id: str, item: SentUpdate) -> UUID:
    return referral_id_for(agency_id, idempotency_key(item.source, item.id))


async def record_partner_events(command: RecordPartnerEvents, cause: Cause,
                                deps: Dependencies) -> list[Submitted | UpdateRecorded]:
    """Check every item against the rules, then record them in order."""
    await _check_all(command, deps)
    results = []
    for item in command.items:
        with _about(item):  # a rule may still refuse if another request changed the referral meanwhile
            results.append(await _record(command.agency_id, item, cause, deps))
    return results


@contextmanager
def _about(item: SentReferral | SentUpdate) -> Iterator[None]:
    """Place a rule's refusal at the item of the request it was about."""
    try:
        yield
    except RuleBroken as error:
        raise error.located(f"event {item.id!r}", *item.at) from None


async def _check_all(command: RecordPartnerEvents, deps: Dependencies) -> None:
    states: dict[UUID, tuple[ReferralState, set[UUID]]] = {}
    today = deps.clock().date()
    for item in command.items:
        with _about(item):
            if isinstance(item, SentReferral):
                await _check_referral(command.agency_id, item, deps)
                continue
            referral_id = item.update.referral_id
            if referral_id not in states:
                loaded = await load(deps.store, referral_stream(referral_id), REFERRAL)
                states[referral_id] = loaded.state, {r.event_id for r in loaded.recorded}
            state, recorded = states[referral_id]
            if update_event_id(command.agency_id, item) in recorded:
                continue  # a resend: answered as recorded before, whatever the referral's state now
            decided = decide_update(item.update, state, command.agency_id, today)
            # The same event twice in one request is recorded once: the second is its resend.
            states[referral_id] = REFERRAL.fold(decided, state), recorded | {update_event_id(command.agency_id, item)}


async def _check_referral(agency_id: str, item: SentReferral, deps: Dependencies) -> None:
    """May this agency refer, and is a resent referral the same one it sent before."""
    ensure_may_refer(item.submission, agency_id)
    key = idempotency_key(item.source, item.id)
    digest = request_digest(deps.fingerprint_key, item.submission)
    await recorded_receipt(deps, referral_id_for(agency_id, key), digest, key)


async def _record(agency_id: str, item: SentReferral | SentUpdate, cause: Cause,
                  deps: Dependencies) -> Submitted | UpdateRecorded:
    if isinstance(item, SentReferral):
        command = ReceiveReferral(item.submission, agency_id, idempotency_key(item.source, item.id))
        return await receive_referral(command, cause, deps)
    referral_id, today = item.update.referral_id, deps.clock().date()
    executed = await execute(
        deps.store, referral_stream(referral_id), REFERRAL,
        lambda state: decide_update(item.update, state, agency_id, today),
        cause, deps.keys, event_ids=[update_event_id(agency_id, item)],
    )
    return UpdateRecorded(referral_id, created=executed.recorded)


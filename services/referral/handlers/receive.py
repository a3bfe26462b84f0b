"""Receiving a referral: from a partner agency (API or CloudEvent) or from the victim (web form).

Retries are harmless: with an idempotency key the referral id derives from the key, so a repeat
finds the referral recorded and answers it; without one every request is a new referral."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from services.referral.domain.commands import ReceiveReferral
from services.referral.domain.decide import decide_receive, ensure_may_refer
from services.referral.domain.duplicates import fingerprint, possible_duplicate_of
from services.referral.domain.errors import IdempotencyKeyReused
from services.referral.domain.state import REFERRAL, referral_stream
from services.referral.handlers.dependencies import Dependencies
from shared.commands import execute
from shared.envelope import Cause
from shared.eventstore.hashchain import canonical_json

NAMESPACE = uuid5(NAMESPACE_URL, "urn:rj:referral")


@dataclass(frozen=True)
class Submitted:
    referral_id: UUID
    reference: str
    event_id: UUID
    possible_duplicate_of: UUID | None
    received_at: datetime
    created: bool


def request_hash(document: dict) -> str:
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


async def receive_referral(command: ReceiveReferral, cause: Cause, deps: Dependencies) -> Submitted:
    """Record ``ReferralReceived``; a repeat under the same idempotency key answers the first."""
    submission, agency_id = command.submission, command.agency_id
    ensure_may_refer(submission, agency_id)  # before a key is claimed, so a refusal does not burn it
    print_ = fingerprint(deps.fingerprint_key, submission)
    referral_id = await _referral_id(command, deps)
    if earlier := await _earlier(deps, referral_id):
        await _index(deps, command, earlier, print_)  # mends a crash between the append and the index
        return earlier
    now = deps.clock()
    crime_reference = submission.offence.crime_reference
    duplicate_of = possible_duplicate_of(await deps.duplicates.matching(crime_reference, print_), now,
                                         deps.duplicate_window) if crime_reference else None
    reference = await deps.references.next(now.year)
    event_id = uuid5(referral_id, "ReferralReceived")
    executed = await execute(
        deps.store, referral_stream(referral_id), REFERRAL,
        lambda state: decide_receive(submission, state, referral_id=referral_id, reference=reference,
                                     agency_id=agency_id, possible_duplicate_of=duplicate_of, received_at=now),
        cause, deps.keys, event_ids=[event_id],
    )
    # A concurrent repeat with the same key may have recorded it first: the store then answers our
    # append of the same event id as a retry, so what was recorded is the only answer to give.
    earlier = await _earlier(deps, referral_id)
    if not executed.recorded or (earlier is not None and earlier.reference != reference):
        return earlier
    result = Submitted(referral_id, reference, event_id, duplicate_of, now, created=True)
    await _index(deps, command, result, print_)
    return result


async def _referral_id(command: ReceiveReferral, deps: Dependencies) -> UUID:
    """The referral id the command's idempotency key stands for (a new one without a key)."""
    if not command.idempotency_key:
        return uuid4()
    owner, key = command.agency_id or "self", command.idempotency_key
    digest = request_hash(command.submission.model_dump(mode="json"))
    referral_id, first_hash = await deps.idempotency.claim(owner, key, digest, uuid5(NAMESPACE, f"{owner}\n{key}"))
    if first_hash != digest:
        raise IdempotencyKeyReused(key)
    return referral_id


async def _earlier(deps: Dependencies, referral_id: UUID) -> Submitted | None:
    recorded = await deps.store.read_stream(referral_stream(referral_id))
    if not recorded:
        return None
    first = recorded[0]
    # Reference and duplicate link are not personal: readable without opening anything.
    duplicate = first.data.get("possible_duplicate_of")
    return Submitted(referral_id, first.data["reference"], first.event_id, UUID(duplicate) if duplicate else None,
                     datetime.fromisoformat(first.data["received_at"]), created=False)


async def _index(deps: Dependencies, command: ReceiveReferral, result: Submitted, print_: str) -> None:
    """Make the referral findable as a possible duplicate of later ones."""
    await deps.duplicates.add(result.referral_id, command.submission.offence.crime_reference, print_,
                              uuid5(result.referral_id, "victim"), result.received_at)

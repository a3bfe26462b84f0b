"""Receiving a referral: from a partner agency (API or CloudEvent) or from the victim (web form).

Retries are harmless: with an idempotency key the referral id derives from the key, so a repeat
finds the referral recorded and answers it; without one every request is a new referral. The
event itself carries a keyed digest of the request that made it, so the same key with another
body is told apart from a retry without any claim recorded beforehand: a request that fails
leaves nothing behind (no key taken, no reference used, no data-subject key made for nobody).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import structlog

from services.referral.domain.commands import ReceiveReferral
from services.referral.domain.decide import decide_receive, ensure_may_refer, subjects_of
from services.referral.domain.duplicates import fingerprint, possible_duplicate_of
from services.referral.domain.errors import IdempotencyKeyReused
from services.referral.domain.state import REFERRAL, referral_stream
from services.referral.domain.submission import ReferralSubmission
from services.referral.handlers.dependencies import Dependencies
from shared.commands import execute
from shared.envelope import Cause
from shared.eventstore.hashchain import canonical_json

NAMESPACE = uuid5(NAMESPACE_URL, "urn:rj:referral")
log = structlog.get_logger()


@dataclass(frozen=True)
class Submitted:
    referral_id: UUID
    reference: str
    event_id: UUID
    possible_duplicate_of: UUID | None
    received_at: datetime
    created: bool


def request_digest(key: bytes, submission: ReferralSubmission) -> str:
    """A keyed digest of the request: equal for a retry, different for another body. Keyed, so
    the digest of a few personal values cannot be guessed back from it."""
    document = canonical_json(submission.model_dump(mode="json")).encode()
    return hmac.new(key, document, hashlib.sha256).hexdigest()


def referral_id_for(owner: str, idempotency_key: str) -> UUID:
    """The referral an idempotency key stands for, the same for every retry."""
    return uuid5(NAMESPACE, f"{owner}\n{idempotency_key}")


async def receive_referral(command: ReceiveReferral, cause: Cause, deps: Dependencies) -> Submitted:
    """Record ``ReferralReceived``; a repeat under the same idempotency key answers the first."""
    submission, agency_id = command.submission, command.agency_id
    ensure_may_refer(submission, agency_id)
    digest = request_digest(deps.fingerprint_key, submission)
    print_ = fingerprint(deps.fingerprint_key, submission)
    keyed = command.idempotency_key is not None
    referral_id = referral_id_for(agency_id or "self", command.idempotency_key) if keyed else uuid4()
    if earlier := await recorded_receipt(deps, referral_id, digest, command.idempotency_key):
        await _index(deps, command, earlier, print_)  # mends a crash between the append and the index
        return earlier
    now = deps.clock()
    crime_reference = submission.offence.crime_reference
    duplicate_of = possible_duplicate_of(await deps.duplicates.matching(crime_reference, print_), now,
                                         deps.duplicate_window) if crime_reference else None
    reference = await deps.references.next(now.year)
    try:
        executed = await execute(
            deps.store, referral_stream(referral_id), REFERRAL,
            lambda state: decide_receive(submission, state, referral_id=referral_id, reference=reference,
                                         agency_id=agency_id, possible_duplicate_of=duplicate_of,
                                         received_at=now, request_digest=digest),
            cause, deps.keys, event_ids=[uuid5(referral_id, "ReferralReceived")],
        )
    except Exception:
        await _give_back(deps, referral_id, reference, discard_keys=not keyed)
        raise
    if not executed.recorded:  # a concurrent repeat under the same key recorded it first
        await _give_back(deps, referral_id, reference, discard_keys=False)
        earlier = await recorded_receipt(deps, referral_id, digest, command.idempotency_key)
        assert earlier is not None, "the store answered a retry, so the referral is recorded"
        return earlier
    result = Submitted(referral_id, reference, executed.event_ids[0], duplicate_of, now, created=True)
    await _index(deps, command, result, print_)
    return result


async def recorded_receipt(deps: Dependencies, referral_id: UUID, digest: str,
                           idempotency_key: str | None) -> Submitted | None:
    """The referral as first recorded, if it is; refused if it was made by a different request."""
    recorded = await deps.store.read_stream(referral_stream(referral_id))
    if not recorded:
        return None
    first = recorded[0]
    # Reference, digest and duplicate link are not personal: readable without opening anything.
    if first.data.get("request_digest", digest) != digest:
        raise IdempotencyKeyReused(idempotency_key or "")
    duplicate = first.data.get("possible_duplicate_of")
    return Submitted(referral_id, first.data["reference"], first.event_id, UUID(duplicate) if duplicate else None,
                     datetime.fromisoformat(first.data["received_at"]), created=False)


async def _give_back(deps: Dependencies, referral_id: UUID, reference: str, *, discard_keys: bool) -> None:
    """Return what a request that recorded nothing had taken: its reference number and, for a
    referral id nobody else can know (no idempotency key), the data-subject keys made for it.

    Only once the store confirms the referral it was taken for holds a different reference or
    none: a failed append may still have committed, and a number given twice is worse than a gap.
    """
    try:
        recorded = await deps.store.read_stream(referral_stream(referral_id))
        if recorded and recorded[0].data.get("reference") == reference:
            return
        await deps.references.release(reference)
        if discard_keys and not recorded:
            await deps.keys.discard(subjects_of(referral_id))
    except Exception:  # the request's own error is the one to report; this leaves at most a gap
        log.warning("referral.give_back_failed", referral_id=str(referral_id), reference=reference, exc_info=True)


async def _index(deps: Dependencies, command: ReceiveReferral, result: Submitted, print_: str) -> None:
    """Make the referral findable as a possible duplicate of later ones."""
    await deps.duplicates.add(result.referral_id, command.submission.offence.crime_reference, print_,
                              uuid5(result.referral_id, "victim"), result.received_at)

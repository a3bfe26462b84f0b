"""Referral use cases: load, decide, append (DESIGN D6). Retries are harmless: ids derive
from the request (idempotency key, or CloudEvent source and id)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import asyncpg

from services.referral.domain import ReferralState, decide_receive, decide_update, fold
from services.referral.intake import ReferralSubmission
from shared.contracts.base import DomainEvent
from shared.contracts.referral import (
    ContactPreferences,
    Offence,
    Offender,
    ReferralReceived,
    Referrer,
    Victim,
)
from shared.crypto.sealing import SealingKeys
from shared.envelope import Cause, new_event, open_event
from shared.eventstore.hashchain import canonical_json
from shared.eventstore.port import NO_STREAM, EventStore, RecordedEvent, WrongExpectedVersion

NAMESPACE = uuid5(NAMESPACE_URL, "urn:rj:referral")


class IdempotencyKeyReused(Exception):
    """The same idempotency key came with a different request."""


@dataclass(frozen=True)
class Deps:
    store: EventStore
    keys: SealingKeys
    pool: asyncpg.Pool
    fingerprint_key: bytes
    duplicate_window: timedelta = timedelta(days=90)


@dataclass(frozen=True)
class Submitted:
    referral_id: UUID
    reference: str
    event_id: UUID
    possible_duplicate_of: UUID | None
    created: bool


def referral_stream(referral_id: UUID) -> str:
    return f"referral-{referral_id}"


def request_hash(document: dict) -> str:
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


async def _claim_key(pool: asyncpg.Pool, agency_id: str, key: str, digest: str) -> UUID:
    """The referral id this idempotency key stands for; a different request under it is refused."""
    candidate = uuid5(NAMESPACE, f"{agency_id}\n{key}")
    await pool.execute(
        "INSERT INTO referral.idempotency (agency_id, key, request_hash, referral_id) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING", agency_id, key, digest, candidate,
    )
    row = await pool.fetchrow(
        "SELECT request_hash, referral_id FROM referral.idempotency WHERE agency_id = $1 AND key = $2",
        agency_id, key,
    )
    if row["request_hash"] != digest:
        raise IdempotencyKeyReused(key)
    return row["referral_id"]


async def _earlier(deps: Deps, referral_id: UUID) -> Submitted | None:
    recorded = await deps.store.read_stream(referral_stream(referral_id))
    if not recorded:
        return None
    first = recorded[0]
    # Reference and duplicate link are not personal: readable without opening anything.
    return Submitted(referral_id, first.data["reference"], first.event_id,
                     UUID(first.data["possible_duplicate_of"]) if first.data.get("possible_duplicate_of") else None,
                     created=False)


def fingerprint(key: bytes, submission: ReferralSubmission) -> str:
    """A keyed hash of who the victim is, so duplicates are found without storing their name."""
    victim = submission.victim
    anchor = victim.date_of_birth or victim.email or victim.phone or victim.postcode or ""
    material = f"{' '.join(victim.name.lower().split())}|{anchor}".encode()
    return hmac.new(key, material, hashlib.sha256).hexdigest()


async def _possible_duplicate(deps: Deps, crime_reference: str | None, print_: str, now: datetime) -> UUID | None:
    if not crime_reference:
        return None
    return await deps.pool.fetchval(
        "SELECT referral_id FROM referral.duplicate_index WHERE upper(crime_reference) = upper($1)"
        " AND victim_fingerprint = $2 AND received_at >= $3 ORDER BY received_at LIMIT 1",
        crime_reference, print_, now - deps.duplicate_window,
    )


async def _next_reference(pool: asyncpg.Pool, now: datetime) -> str:
    return f"REF-{now.year}-{await pool.fetchval('SELECT nextval($1)', 'referral.reference_seq'):06d}"


def to_event(submission: ReferralSubmission, *, referral_id: UUID, reference: str, agency_id: str | None,
             duplicate_of: UUID | None, received_at: datetime) -> ReferralReceived:
    """The submission as the ``ReferralReceived`` contract; subjects derive from the referral id."""
    s = submission
    victim = s.victim.model_dump(exclude={"contact_preferences"})
    preferences = s.victim.contact_preferences
    return ReferralReceived(
        referral_id=referral_id, reference=reference, source=s.source, agency_id=agency_id,
        referrer=Referrer(**s.referrer.model_dump()) if s.referrer else None,
        victim=Victim(subject_id=uuid5(referral_id, "victim"), **victim,
                      contact_preferences=ContactPreferences(**(preferences.model_dump() if preferences
                                                                else {"channels": ()}))),
        offence=Offence(**s.offence.model_dump()),
        offender=Offender(subject_id=uuid5(referral_id, "offender"), **s.offender.model_dump()) if s.offender else None,
        criminal_justice_stage=s.criminal_justice_stage, initiated_by=s.initiated_by,
        victim_aware_of_referral=s.victim_aware_of_referral, hopes=s.hopes,
        possible_duplicate_of=duplicate_of, received_at=received_at,
    )


async def submit_referral(
    submission: ReferralSubmission, cause: Cause, deps: Deps, *, agency_id: str | None,
    idempotency_key: str | None = None,
) -> Submitted:
    """Record ``ReferralReceived``. The same idempotency key with the same body answers the same
    result and stores nothing new; with another body it raises IdempotencyKeyReused."""
    document = submission.model_dump(mode="json")
    print_ = fingerprint(deps.fingerprint_key, submission)
    if idempotency_key:
        referral_id = await _claim_key(deps.pool, agency_id or "self", idempotency_key, request_hash(document))
        if earlier := await _earlier(deps, referral_id):
            # A retry after a crash between the append and the index write mends the index here.
            await _index(deps, earlier.referral_id, submission, print_)
            return earlier
    else:
        referral_id = uuid4()
    now = datetime.now(UTC)
    duplicate_of = await _possible_duplicate(deps, submission.offence.crime_reference, print_, now)
    event = to_event(submission, referral_id=referral_id, reference=await _next_reference(deps.pool, now),
                     agency_id=agency_id, duplicate_of=duplicate_of, received_at=now)
    [decided] = decide_receive(event, fold([]))
    event_id = uuid5(referral_id, "ReferralReceived")
    try:
        await deps.store.append(referral_stream(referral_id),
                                [await new_event(decided, cause, deps.keys, event_id=event_id)], NO_STREAM)
    except WrongExpectedVersion:
        # A concurrent retry with the same key won the race: answer what it recorded.
        if earlier := await _earlier(deps, referral_id):
            return earlier
        raise
    await _index(deps, referral_id, submission, print_)
    return Submitted(referral_id, decided.reference, event_id, duplicate_of, created=True)


async def _index(deps: Deps, referral_id: UUID, submission: ReferralSubmission, print_: str) -> None:
    """Make the referral findable as a possible duplicate (once; a repeat changes nothing)."""
    await deps.pool.execute(
        "INSERT INTO referral.duplicate_index VALUES ($1, $2, $3, $4, now()) ON CONFLICT DO NOTHING",
        referral_id, submission.offence.crime_reference, print_, uuid5(referral_id, "victim"),
    )


async def load(store: EventStore, referral_id: UUID) -> tuple[list[RecordedEvent], ReferralState]:
    """The referral's stream and its folded state. The rules need no personal data, so the
    history is folded without opening any sealed field."""
    recorded = await store.read_stream(referral_stream(referral_id))
    return recorded, fold([(await open_event(r, None)).event for r in recorded])


async def record_update(
    referral_id: UUID, update: DomainEvent, cause: Cause, deps: Deps, *, agency_id: str | None, event_id: UUID,
    attempts: int = 3,
) -> bool:
    """Append a partner's update to the referral it is about, once per ``event_id``; True when it
    was recorded now, False when it already had been. A version conflict (another update landing
    first) is retried a bounded number of times."""
    stream = referral_stream(referral_id)
    for attempt in range(attempts):
        recorded, state = await load(deps.store, referral_id)
        if any(r.event_id == event_id for r in recorded):
            return False
        [decided] = decide_update(update, state, agency_id)
        try:
            await deps.store.append(stream, [await new_event(decided, cause, deps.keys, event_id=event_id)],
                                    state.version)
            return True
        except WrongExpectedVersion:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")

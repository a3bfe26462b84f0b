"""The workload: referral-shaped JSON payloads, events, and per-writer append plans."""

from __future__ import annotations

import base64
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.eventstore.port import Actor, NewEvent

from .config import STREAM_LENGTH

_rng = random.Random(20261124)


def _sealed(n: int) -> dict[str, str]:
    """A personal field as the store sees it: already encrypted (DESIGN: data arrives sealed)."""
    return {"alg": "AES-256-GCM", "kid": "k-2026-11", "ct": base64.b64encode(_rng.randbytes(n)).decode()}


def referral_payload(i: int) -> dict[str, Any]:
    """About 1 KB of JSON shaped like a referral: nested objects, lists, sealed personal fields."""
    return {
        "referral_id": f"REF-2026-{i:07d}",
        "route": _rng.choice(["victim-initiated", "pre-sentence"]),
        "received_at": "2026-11-24T09:15:00+00:00",
        "referrer": {
            "agency": _rng.choice(["police", "probation", "victim-support", "court"]),
            "office": "North District",
            "officer": {"name": _sealed(12), "email": _sealed(18), "badge": f"NX{_rng.randint(1000, 9999)}"},
        },
        "victim": {
            "person": _sealed(24),
            "contact": {"preferred": "phone", "times": ["weekday-evening", "saturday"], "phone": _sealed(12)},
            "needs": _rng.sample(["interpreter", "wheelchair access", "support person", "written info"], 2),
        },
        "responsible_party": {"person": _sealed(24), "age_band": "25-34", "in_custody": False},
        "offence": {
            "code": f"OF{_rng.randint(100, 999)}",
            "category": _rng.choice(["burglary", "assault", "criminal damage", "theft"]),
            "date": "2026-10-02",
            "location": {"area": "Riverside", "postcode_district": "RV3"},
        },
        "court": {"case_number": f"CRN-{_rng.randint(10**6, 10**7 - 1)}", "hearing": "2026-12-15"},
        "risk": {"flags": ["none-known"], "score": _rng.randint(0, 9)},
        "consent": {"victim": True, "method": "verbal"},
    }


EVENT_TYPES = ("ReferralReceived", "ReferralAssessed", "ContactAttempted", "ConsentRecorded", "CaseNoteAdded")
ACTOR = Actor("user", "caseworker-17", "caseworker")
_BASE_TIME = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Append:
    stream_id: str
    stream_uuid: uuid.UUID
    first_version: int  # zero-based version of the first event
    events: tuple[NewEvent, ...]


def make_plan(writers: int, batch: int, events: int, counter: list[int]) -> list[list[Append]]:
    """Per writer, its appends: own streams, ``STREAM_LENGTH`` events each, ``batch`` per append."""
    per_writer = max(batch, (events // writers) // batch * batch)
    plan: list[list[Append]] = []
    for _ in range(writers):
        appends: list[Append] = []
        done = 0
        while done < per_writer:
            length = min(STREAM_LENGTH, per_writer - done)
            appends.extend(_stream_appends(length, batch, counter))
            done += length
        plan.append(appends)
    return plan


def _stream_appends(length: int, batch: int, counter: list[int]) -> list[Append]:
    """One new stream of ``length`` events, causally chained, cut into appends of ``batch``."""
    stream_uuid = uuid.uuid4()
    stream_id = f"referral-{stream_uuid}"
    correlation = uuid.uuid4()
    cause: uuid.UUID | None = None
    appends: list[Append] = []
    for first in range(0, length, batch):
        chunk = []
        for v in range(first, min(first + batch, length)):
            counter[0] += 1
            event = NewEvent(
                event_id=uuid.uuid4(),
                event_type=EVENT_TYPES[v % len(EVENT_TYPES)],
                schema_version=1,
                data=referral_payload(counter[0]),
                occurred_at=_BASE_TIME + timedelta(milliseconds=counter[0]),
                correlation_id=correlation,
                causation_id=cause,
                actor=ACTOR,
                producer="referral",
            )
            cause = event.event_id
            chunk.append(event)
        appends.append(Append(stream_id, stream_uuid, first, tuple(chunk)))
    return appends


def plan_size(plan: list[list[Append]]) -> int:
    return sum(len(a.events) for appends in plan for a in appends)


def envelope(event: NewEvent, stream_id: str, version: int) -> dict[str, Any]:
    """The whole event as JSON-able values: the peer stores this as ``state`` bytes."""
    return {
        "event_id": str(event.event_id),
        "stream_id": stream_id,
        "stream_version": version,
        "event_type": event.event_type,
        "schema_version": event.schema_version,
        "data": event.data,
        "occurred_at": event.occurred_at.isoformat(),
        "correlation_id": str(event.correlation_id),
        "causation_id": str(event.causation_id) if event.causation_id else None,
        "actor": event.actor.as_json(),
        "producer": event.producer,
    }

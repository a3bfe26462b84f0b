"""Recorded events as structured-mode CloudEvents on the broker (DESIGN D3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from shared.eventstore.port import Actor, Position, RecordedEvent

SPEC_VERSION = "1.0"


def subject_for(event: RecordedEvent) -> str:
    """The broker subject: ``rj.<producer>.<EventType>``."""
    return f"rj.{event.producer}.{event.event_type}"


def to_cloudevent(event: RecordedEvent) -> dict[str, Any]:
    """The structured JSON CloudEvent for a recorded event. Its data stays sealed."""
    return {
        "specversion": SPEC_VERSION,
        "id": str(event.event_id),
        "source": f"/rj/{event.producer}",
        "type": event.event_type,
        "subject": event.stream_id,
        "time": event.occurred_at.isoformat(),
        "datacontenttype": "application/json",
        "data": event.data,
        "schemaversion": event.schema_version,
        "streamversion": event.stream_version,
        "position": f"{event.position.commit}.{event.position.prepare}",
        "recordedat": event.recorded_at.isoformat(),
        "correlationid": str(event.correlation_id),
        "causationid": str(event.causation_id) if event.causation_id else None,
        "actorkind": event.actor.kind,
        "actorid": event.actor.id,
        "actorrole": event.actor.role,
    }


def from_cloudevent(ce: dict[str, Any]) -> RecordedEvent:
    """A recorded event back from its CloudEvent; raises KeyError/ValueError when malformed."""
    commit, prepare = (int(p) for p in str(ce["position"]).split("."))
    return RecordedEvent(
        event_id=UUID(ce["id"]),
        stream_id=ce["subject"],
        stream_version=int(ce["streamversion"]),
        position=Position(commit, prepare),
        event_type=ce["type"],
        schema_version=int(ce["schemaversion"]),
        data=ce["data"],
        occurred_at=datetime.fromisoformat(ce["time"]),
        recorded_at=datetime.fromisoformat(ce["recordedat"]),
        correlation_id=UUID(ce["correlationid"]),
        causation_id=UUID(ce["causationid"]) if ce.get("causationid") else None,
        actor=Actor(ce["actorkind"], ce["actorid"], ce.get("actorrole")),
        producer=ce["source"].rsplit("/", 1)[-1],
    )

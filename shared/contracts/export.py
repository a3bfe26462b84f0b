"""Published forms of the contracts: JSON Schema per event, and the AsyncAPI document (D4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from faststream.nats import NatsBroker
from faststream.specification import AsyncAPI

from shared.contracts.registry import known_contracts
from shared.messaging.broker import STREAM


def json_schemas() -> dict[str, dict[str, Any]]:
    """``<EventType>.v<N>`` → JSON Schema; personal fields carry ``"x-personal-data": true``."""
    schemas = {}
    for event_type, cls in sorted(known_contracts().items()):
        schema = cls.model_json_schema()
        schema["x-event-type"], schema["x-schema-version"] = event_type, cls.schema_version
        schema["x-producer"], schema["x-stream-category"] = cls.producer, cls.category
        schemas[f"{event_type}.v{cls.schema_version}"] = schema
    return schemas


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3 document of ``RJ_EVENTS``: one channel per event type, as FastStream sees it."""
    broker = NatsBroker()
    for event_type, cls in sorted(known_contracts().items()):
        if event_type.startswith("Test"):
            continue
        broker.publisher(
            f"rj.{cls.producer}.{event_type}", stream=STREAM, schema=cls, title=f"rj.{cls.producer}.{event_type}",
            description=(cls.__doc__ or event_type).strip().splitlines()[0]
            + " Travels as a structured CloudEvent whose data holds this payload, personal fields sealed.",
        )
    spec = AsyncAPI(broker, title="Restorative justice service events", version="1.0.0",
                    description="Domain events on the NATS JetStream stream RJ_EVENTS.")
    return json.loads(spec.to_specification().to_json())


def write(folder: Path) -> list[Path]:
    """Write every JSON Schema and the AsyncAPI document under ``folder``."""
    written = []
    (folder / "jsonschema").mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        path = folder / "jsonschema" / f"{name}.json"
        path.write_text(json.dumps(schema, indent=2))
        written.append(path)
    path = folder / "asyncapi.json"
    path.write_text(json.dumps(asyncapi_document(), indent=2))
    return [*written, path]

"""GET /api/v1/audit/cases/{case_ref}/events: a case's verified history as JSON Lines, for auditors.

Anyone else signed in is answered 404, as if the case did not exist; each read is recorded."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from services.reporting.handlers.audit import AuditedEvent, AuditSources, audit_case
from shared.identity.fastapi import CurrentPrincipal
from shared.web.app import service_runtime
from shared.web.problems import PROBLEM_JSON, Problem

JSON_LINES = "application/x-ndjson"
CaseRef = Annotated[str, Path(min_length=1, max_length=64, description="the case's human reference",
                              examples=["RJ-2026-000123"])]
router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

LINE_SCHEMA = {
    "type": "object",
    "description": "One event per line, in the order the store committed them.",
    "required": ["event_id", "stream_id", "stream_version", "event_type", "schema_version", "verification", "data"],
    "properties": {
        "event_id": {"type": "string", "format": "uuid"},
        "stream_id": {"type": "string", "examples": ["case-7f0c…"]},
        "stream_version": {"type": "integer"},
        "global_position": {"type": "integer"},
        "event_type": {"type": "string", "examples": ["CaseOpened"]},
        "schema_version": {"type": "integer"},
        "occurred_at": {"type": "string", "format": "date-time"},
        "recorded_at": {"type": "string", "format": "date-time"},
        "correlation_id": {"type": "string", "format": "uuid"},
        "causation_id": {"type": ["string", "null"], "format": "uuid"},
        "actor": {"type": "object", "properties": {"kind": {"type": "string"}, "id": {"type": "string"},
                                                    "role": {"type": ["string", "null"]}}},
        "producer": {"type": "string"},
        "hash": {"type": "string", "description": "the stored hash (hex) of the event in its stream's chain"},
        "verification": {"type": "string", "enum": ["verified", "altered", "reordered"],
                         "description": "the event's hash recomputed in its stream's chain"},
        "data": {"type": "object", "description": "the payload as stored: personal fields stay sealed"
                                                  ' ({"$sealed": 1, "subject": …, "ct": …}); reporting opens none'},
    },
}
NOT_FOUND = {"description": "no such case — or you are not an auditor", "content": {PROBLEM_JSON: {}}}


def not_found(reference: str) -> Problem:
    return Problem(404, "Not found", f"case_ref: no case {reference[:64]!r} to show you", kind="not-found")


def line(audited: AuditedEvent) -> str:
    event = audited.recorded
    body: dict[str, Any] = {
        "event_id": str(event.event_id), "stream_id": event.stream_id, "stream_version": event.stream_version,
        "global_position": event.position.prepare, "event_type": event.event_type,
        "schema_version": event.schema_version, "occurred_at": event.occurred_at.isoformat(),
        "recorded_at": event.recorded_at.isoformat(), "correlation_id": str(event.correlation_id),
        "causation_id": str(event.causation_id) if event.causation_id else None, "actor": event.actor.as_json(),
        "producer": event.producer, "hash": event.hash.hex(), "verification": audited.check, "data": event.data,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)


@router.get("/cases/{case_ref}/events", response_class=Response, summary="A case's verified history (JSON Lines)",
            responses={200: {"description": "every event of the case, one JSON object per line",
                             "content": {JSON_LINES: {"schema": LINE_SCHEMA}}},
                       401: {"description": "not signed in", "content": {PROBLEM_JSON: {}}}, 404: NOT_FOUND})
async def case_events(case_ref: CaseRef, request: Request, principal: CurrentPrincipal) -> Response:
    """Every event of the case across the services — its own, its referral's, the progress page's
    views, the reads of it, the notifications it caused and its audits — with metadata, the payload
    as stored (personal fields sealed) and whether its hash still verifies. For auditors only; the
    read is recorded as ``CaseHistoryAudited``."""
    if principal.role != "auditor":
        raise not_found(case_ref)
    runtime = service_runtime(request)
    history = await audit_case(AuditSources.on(runtime.store, runtime.pool), case_ref, principal.username, "api")
    if history is None:
        raise not_found(case_ref)
    return Response("".join(line(event) + "\n" for event in history.events), media_type=JSON_LINES)

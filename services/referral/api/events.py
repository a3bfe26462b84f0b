"""CloudEvents over HTTP from partners: structured, binary and batch modes (POST /api/v1/events).

A request is validated whole before anything is recorded: one bad event in a batch rejects the
batch, naming the event and the field. The pair (source, id) makes every event idempotent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from cloudevents.core.bindings import http as ce_http
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from fastapi import APIRouter, Request
from pydantic import BaseModel, ValidationError

from services.referral.api.auth import WritesEvents
from services.referral.api.context import Deps, agency_cause, readable
from services.referral.api.problems import PROBLEMS
from services.referral.domain.commands import (
    ChangeCustody,
    DeferSentence,
    RecordPartnerEvents,
    RecordSentence,
    SentReferral,
    SentUpdate,
    WithdrawReferral,
)
from services.referral.domain.submission import EXAMPLE, ReferralSubmission, Strict
from services.referral.handlers import Submitted, handle
from shared.web.problems import Problem, field_errors

router = APIRouter(prefix="/api/v1", tags=["partner events"])
BATCH = "application/cloudevents-batch+json"
MAX_BATCH = 100
SUBMITTED = "rj.referral.submitted.v1"
DATA_MODELS: dict[str, type[Strict]] = {
    SUBMITTED: ReferralSubmission,
    "rj.referral.withdrawn.v1": WithdrawReferral,
    "rj.offender.custody-changed.v1": ChangeCustody,
    "rj.court.sentence-deferred.v1": DeferSentence,
    "rj.court.sentenced.v1": RecordSentence,
}
ACCEPTED_TYPES = tuple(DATA_MODELS)


@dataclass(frozen=True)
class Incoming:
    index: int | None
    id: str
    source: str
    type: str
    data: BaseModel

    def item(self) -> SentReferral | SentUpdate:
        """The event as the command's item, knowing where its data sat in the request."""
        at = ("data",) if self.index is None else (self.index, "data")
        if isinstance(self.data, ReferralSubmission):
            return SentReferral(self.source, self.id, self.data, at)
        return SentUpdate(self.source, self.id, self.data, at)  # type: ignore[arg-type]


class EventResult(BaseModel):
    id: str
    source: str
    type: str
    status: Literal["accepted", "already recorded"]
    referral_id: UUID


class EventsAccepted(BaseModel):
    results: list[EventResult]


def _bad(detail: str, errors: list[dict[str, Any]]) -> Problem:
    return Problem(422, "Your CloudEvents have invalid fields", detail, errors=errors, kind="invalid-cloudevent")


def _pointer(index: int | None, path: str) -> str:
    return f"#/{index}/{path}" if index is not None else f"#/{path}"


def _validate(index: int | None, event) -> Incoming:
    where = f"event {index}" if index is not None else "the event"
    if event.get_type() not in ACCEPTED_TYPES:
        raise _bad(f"{where}: unknown type {event.get_type()!r}", [{
            "field": "type", "pointer": _pointer(index, "type"),
            "problem": f"unknown CloudEvent type {event.get_type()!r}", "allowed": list(ACCEPTED_TYPES)}])
    data = event.get_data()
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        raise _bad(f"{where}: data must be a JSON object", [{
            "field": "data", "pointer": _pointer(index, "data"), "problem": "must be a JSON object"}])
    try:
        model = DATA_MODELS[event.get_type()].model_validate(data)
    except ValidationError as error:
        errors = field_errors(error.errors())
        for e in errors:
            e["field"], e["pointer"] = f"data.{e['field']}", _pointer(index, "data/" + e["pointer"][2:])
        raise _bad(f"{where}: " + "; ".join(f"{e['field']}: {e['problem']}" for e in errors), errors) from None
    return Incoming(index, event.get_id(), event.get_source(), event.get_type(), model)


def _parse_one(index: int | None, headers: dict[str, str], body: bytes, reader=None):
    structured = reader is not None or not any(k.startswith("ce-") for k in headers)
    if structured and not _is_json_object(body):
        where = f"event {index}" if index is not None else "the request"
        raise Problem(400, "Not a valid CloudEvent", f"{where}: a structured CloudEvent is a JSON object",
                      kind="malformed-cloudevent")
    try:
        if reader is not None:
            return reader(body)
        return ce_http.from_http_event(ce_http.HTTPMessage(headers=headers, body=body))
    except (BaseCloudEventException, ValueError, TypeError, KeyError, AttributeError) as error:
        where = f"event {index}" if index is not None else "the request"
        raise Problem(400, "Not a valid CloudEvent", f"{where}: {error}", kind="malformed-cloudevent") from None


def _is_json_object(body: bytes) -> bool:
    try:
        return isinstance(json.loads(body), dict)
    except ValueError:
        return False


async def parse(request: Request) -> list[Incoming]:
    """The request's CloudEvents, validated; raises a 400/422 problem naming what is wrong."""
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    if headers.get("content-type", "").split(";")[0].strip() == BATCH:
        try:
            items = json.loads(body)
        except ValueError as error:
            raise Problem(400, "The body is not valid JSON", str(error), kind="malformed-json") from None
        if not isinstance(items, list) or not items:
            raise Problem(400, "Not a CloudEvents batch", "a batch is a non-empty JSON array of events",
                          kind="malformed-cloudevent")
        if len(items) > MAX_BATCH:
            raise Problem(413, "Batch too large", f"at most {MAX_BATCH} events per batch", kind="batch-too-large")
        fmt = JSONFormat()
        events = [_parse_one(i, {}, json.dumps(item).encode(), lambda b: fmt.read(None, b))
                  for i, item in enumerate(items)]
        return [_validate(i, e) for i, e in enumerate(events)]
    return [_validate(None, _parse_one(None, headers, body))]


def _result(incoming: Incoming, outcome: Any) -> EventResult:
    return EventResult(id=incoming.id, source=incoming.source, type=incoming.type,
                       status="accepted" if outcome.created else "already recorded", referral_id=outcome.referral_id)


STRUCTURED_EXAMPLE = {
    "specversion": "1.0", "id": "crm-2026-118734", "source": "/thames-valley-police/crm",
    "type": SUBMITTED, "datacontenttype": "application/json", "data": EXAMPLE,
}
BATCH_EXAMPLE = [STRUCTURED_EXAMPLE, {**STRUCTURED_EXAMPLE, "id": "crm-2026-118735"}]


@router.post("/events", response_model=EventsAccepted, responses=PROBLEMS, openapi_extra={
    "requestBody": {"required": True, "content": {
        "application/cloudevents+json": {"schema": {"type": "object"}, "example": STRUCTURED_EXAMPLE},
        BATCH: {"schema": {"type": "array", "items": {"type": "object"}}, "example": BATCH_EXAMPLE},
        "application/json": {"schema": {"type": "object"}, "example": EXAMPLE,
                             "description": "binary mode: attributes in ce-* headers, data in the body"}}}},
    summary="Send referrals and updates as CloudEvents")
async def post_events(request: Request, agency: WritesEvents, deps: Deps) -> EventsAccepted:
    """Types: `rj.referral.submitted.v1` (data: the same document as `POST /api/v1/referrals`),
    `rj.referral.withdrawn.v1`, `rj.offender.custody-changed.v1`, `rj.court.sentence-deferred.v1`,
    `rj.court.sentenced.v1`. The pair (`source`, `id`) makes each event idempotent."""
    events = await parse(request)
    command = RecordPartnerEvents(agency.agency_id, tuple(incoming.item() for incoming in events))
    outcomes = await handle(command, agency_cause(request, agency.agency_id), deps)
    await readable(request, [o for o in outcomes if isinstance(o, Submitted) and o.created])
    return EventsAccepted(results=[_result(incoming, o) for incoming, o in zip(events, outcomes, strict=True)])

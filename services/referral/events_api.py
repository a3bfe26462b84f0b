"""CloudEvents over HTTP from partners: structured, binary and batch modes (POST /api/v1/events).

A request is validated whole before anything is recorded: one bad event in a batch rejects the
batch, naming the event and the field. The pair (source, id) makes every event idempotent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from uuid import UUID, uuid5

from cloudevents.core.bindings import http as ce_http
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from fastapi import APIRouter, Request
from pydantic import BaseModel, ValidationError

from services.referral.api import PROBLEMS, accept_referral
from services.referral.auth import WritesEvents
from services.referral.dependencies import deps
from services.referral.domain import ReferralRuleBroken, UnknownReferral, decide_update
from services.referral.handlers import NAMESPACE, load, record_update
from services.referral.intake import EXAMPLE
from services.referral.partner_updates import (
    ACCEPTED_TYPES,
    DATA_MODELS,
    SUBMITTED,
    as_event,
    check_deferral,
)
from shared.envelope import Cause
from shared.eventstore.port import Actor
from shared.web.problems import Problem, field_errors

router = APIRouter(prefix="/api/v1", tags=["partner events"])
BATCH = "application/cloudevents-batch+json"
MAX_BATCH = 100


@dataclass(frozen=True)
class Incoming:
    index: int | None
    id: str
    source: str
    type: str
    data: BaseModel


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
    if problem := check_deferral(model, date.today()):
        field, text = problem.split(": ", 1)
        raise _bad(f"{where}: {problem}", [{"field": f"data.{field}", "pointer": _pointer(index, f"data/{field}"),
                                            "problem": text}])
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


async def _apply(request: Request, agency, incoming: Incoming) -> EventResult:
    key = f"ce:{incoming.source}:{incoming.id}"
    if incoming.type == SUBMITTED:
        result = await accept_referral(request, incoming.data, agency, key)
        return EventResult(id=incoming.id, source=incoming.source, type=incoming.type,
                           status="accepted" if result.created else "already recorded",
                           referral_id=result.referral_id)
    event_id = uuid5(NAMESPACE, f"{agency.agency_id}\n{key}")
    cause = Cause.fresh(Actor("agency", agency.agency_id, "partner"), request.state.correlation_id)
    recorded = await record_update(incoming.data.referral_id, as_event(incoming.data), cause, deps(request),
                                   agency_id=agency.agency_id, event_id=event_id)
    return EventResult(id=incoming.id, source=incoming.source, type=incoming.type,
                       status="accepted" if recorded else "already recorded", referral_id=incoming.data.referral_id)


async def _check_targets(request: Request, agency, events: list[Incoming]) -> None:
    """The referral rules, asked of every update before any is recorded, so that a batch whose
    one event is refused records nothing. (An update that depends on an earlier one in the same
    batch is judged against the referral as it stands.)"""
    for incoming in events:
        if incoming.type == SUBMITTED:
            continue
        _, state = await load(deps(request).store, incoming.data.referral_id)
        try:
            decide_update(as_event(incoming.data), state, agency.agency_id)
        except UnknownReferral:
            raise Problem(404, "Not found", f"event {incoming.id!r}: no referral with that id was made by your agency",
                          kind="not-found") from None
        except ReferralRuleBroken as error:
            raise Problem(409, "Conflict", f"event {incoming.id!r}: {error}", kind="rule-broken") from None


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
async def post_events(request: Request, agency: WritesEvents) -> EventsAccepted:
    """Types: `rj.referral.submitted.v1` (data: the same document as `POST /api/v1/referrals`),
    `rj.referral.withdrawn.v1`, `rj.offender.custody-changed.v1`, `rj.court.sentence-deferred.v1`,
    `rj.court.sentenced.v1`. The pair (`source`, `id`) makes each event idempotent."""
    events = await parse(request)
    await _check_targets(request, agency, events)
    results = []
    for incoming in events:
        try:
            results.append(await _apply(request, agency, incoming))
        except UnknownReferral as error:
            raise Problem(404, "Not found", str(error), kind="not-found") from None
        except ReferralRuleBroken as error:
            raise Problem(409, "Conflict", f"event {incoming.id!r}: {error}", kind="rule-broken") from None
    return EventsAccepted(results=results)

"""CloudEvents over HTTP from partners: structured, binary and batch modes (POST /api/v1/events).

A request is validated whole before anything is recorded: one bad event in a batch rejects the
batch, naming the event and the field. The pair (source, id) makes every event idempotent, so
both must be sent: none is made up for an event that lacks one (a resend would then record the
event twice). The attributes are read here rather than by an SDK, which would fill the gaps.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import unquote
from uuid import UUID

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
from services.referral.domain.submission import EXAMPLE, ReferralSubmission, Strict, text_problem
from services.referral.handlers import Submitted, handle
from shared.web.limits import ensure_shallow_json
from shared.web.problems import Problem, field_errors

router = APIRouter(prefix="/api/v1", tags=["partner events"])
STRUCTURED = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
BINARY = "application/json"  # binary mode: the attributes in ce-* headers, the data (JSON) in the body
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
REQUIRED = ("specversion", "id", "source", "type")  # CloudEvents 1.0, section 3.1.1
TEXT_ATTRIBUTES = frozenset({*REQUIRED, "datacontenttype", "dataschema", "subject", "time"})
ATTRIBUTE_NAME = re.compile(r"^[a-z0-9]{1,20}$")  # CloudEvents 1.0, section 2.2
MAX_ATTRIBUTE = 256  # (source, id) becomes an idempotency key: bounded, like every key
PAYLOAD = ("data", "data_base64")


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


@dataclass(frozen=True)
class Sent:
    """One event as it came: its attributes, its data, where it sat and how its attributes were sent."""

    index: int | None
    attributes: dict[str, Any]
    data: Any
    in_headers: bool = False

    @property
    def where(self) -> str:
        return f"event {self.index}" if self.index is not None else "the event"

    def error(self, attribute: str, problem: str, **more: Any) -> dict[str, Any]:
        """A field error naming the attribute as it was sent: a ce-* header, or a member of the event."""
        if self.in_headers:  # a header has no place in the body for a pointer to name
            return {"field": f"ce-{attribute}", "problem": problem, **more}
        return {"field": attribute, "pointer": _pointer(self.index, attribute), "problem": problem, **more}


def _bad(detail: str, errors: list[dict[str, Any]]) -> Problem:
    return Problem(422, "Your CloudEvents have invalid fields", detail, errors=errors, kind="invalid-cloudevent")


def _malformed(detail: str, errors: list[dict[str, Any]] | None = None) -> Problem:
    return Problem(400, "Not a valid CloudEvent", detail, errors=errors, kind="malformed-cloudevent")


def _pointer(index: int | None, path: str) -> str:
    return f"#/{index}/{path}" if index is not None else f"#/{path}"


def _summary(sent: Sent, errors: list[dict[str, Any]]) -> str:
    return f"{sent.where}: " + "; ".join(f"{e['field']}: {e['problem']}" for e in errors)


def _json(body: bytes, where: str) -> Any:
    """``body`` parsed, after its depth is checked (deep nesting is a RecursionError otherwise)."""
    ensure_shallow_json(body, where=where)
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise Problem(400, "The body is not valid JSON", f"{where}: {error}", kind="malformed-json") from None


# -- attributes --------------------------------------------------------------------------------
def _attribute_problem(name: str, value: Any) -> tuple[str, dict[str, Any]] | None:
    """What is wrong with one attribute, if anything, and what is allowed."""
    if not ATTRIBUTE_NAME.match(name):
        return "is not a CloudEvents attribute name: lowercase letters and digits, at most 20", {}
    if name == "specversion" and value != "1.0":
        return "must be '1.0', the only CloudEvents version accepted", {"allowed": ["1.0"]}
    if not isinstance(value, str):
        if name in TEXT_ATTRIBUTES:
            return "must be a string", {}
        if isinstance(value, int):  # an extension attribute may be an integer or a boolean (an int too)
            return None
        return "must be a string, an integer or a boolean", {}
    if problem := text_problem(value):
        return problem, {}
    if not value and name in REQUIRED:
        return "must not be empty", {}
    if len(value) > MAX_ATTRIBUTE:
        return f"must be at most {MAX_ATTRIBUTE} characters", {}
    if name == "time" and not _is_timestamp(value):
        return "must be an RFC 3339 timestamp, such as 2026-09-14T10:00:00Z", {}
    return None


def _is_timestamp(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_attributes(sent: Sent) -> None:
    """Every required attribute given (400 naming the missing), and every attribute sound (422)."""
    missing = [name for name in REQUIRED if sent.attributes.get(name) is None]
    if missing:
        errors = [sent.error(name, "is required") for name in missing]
        raise _malformed(f"{sent.where}: missing the required attribute(s) "
                         + ", ".join(e["field"] for e in errors), errors)
    errors = []
    for name, value in sent.attributes.items():
        if value is None:  # JSON null: the attribute is absent (CloudEvents JSON format, 3.1)
            continue
        if found := _attribute_problem(name, value):
            problem, more = found
            errors.append(sent.error(name, problem, **more))
    if errors:
        raise _bad(_summary(sent, errors), errors)


# -- the three modes ---------------------------------------------------------------------------
def _structured(index: int | None, document: Any) -> Sent:
    """A structured event: one JSON object holding the attributes and the data."""
    where = f"event {index}" if index is not None else "the request"
    if not isinstance(document, dict):
        raise _malformed(f"{where}: a structured CloudEvent is a JSON object")
    sent = Sent(index, {k: v for k, v in document.items() if k not in PAYLOAD}, document.get("data"))
    _check_attributes(sent)
    if "data_base64" not in document:
        return sent
    encoded = document["data_base64"]
    if "data" in document or not isinstance(encoded, str):
        problem = "must be base64 text, and sent instead of data, not as well"
        raise _bad(f"{sent.where}: data_base64: {problem}", [sent.error("data_base64", problem)])
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(f"{sent.where}: data_base64: is not base64",
                   [sent.error("data_base64", "is not base64")]) from None
    return Sent(index, sent.attributes, _json(decoded, f"{sent.where}: data_base64"))


def _binary(headers: dict[str, str], body: bytes) -> Sent:
    """A binary-mode event: the attributes in ce-* headers (percent-encoded), the data the body."""
    attributes = {name[3:]: unquote(value) for name, value in headers.items() if name.startswith("ce-")}
    sent = Sent(None, attributes, None, in_headers=True)
    _check_attributes(sent)
    return Sent(None, attributes, _json(body, "the body") if body else None, in_headers=True)


def _validate(sent: Sent) -> Incoming:
    """The event's data checked against its type's model; a 422 naming each invalid field."""
    type_ = sent.attributes["type"]
    if type_ not in ACCEPTED_TYPES:
        raise _bad(f"{sent.where}: unknown type {type_!r}", [sent.error(
            "type", f"unknown CloudEvent type {type_!r}", allowed=list(ACCEPTED_TYPES))])
    if not isinstance(sent.data, dict):
        raise _bad(f"{sent.where}: data must be a JSON object", [sent.error("data", "must be a JSON object")])
    try:
        model = DATA_MODELS[type_].model_validate(sent.data)
    except ValidationError as error:
        errors = field_errors(error.errors())
        for e in errors:
            e["field"], e["pointer"] = f"data.{e['field']}", _pointer(sent.index, "data/" + e["pointer"][2:])
        raise _bad(_summary(sent, errors), errors) from None
    return Incoming(sent.index, sent.attributes["id"], sent.attributes["source"], type_, model)


def _media_type(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


async def parse(request: Request) -> list[Incoming]:
    """The request's CloudEvents, validated; raises a 400/413/415/422 problem naming what is wrong."""
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    media_type = _media_type(headers)
    if media_type == BATCH:
        items = _json(body, "the request")
        if not isinstance(items, list) or not items:
            raise _malformed("a batch is a non-empty JSON array of events")
        if len(items) > MAX_BATCH:
            raise Problem(413, "Batch too large", f"at most {MAX_BATCH} events per batch", kind="batch-too-large")
        events = [_structured(i, item) for i, item in enumerate(items)]
        return [_validate(sent) for sent in events]
    if media_type == STRUCTURED:
        return [_validate(_structured(None, _json(body, "the request")))]
    if media_type == BINARY and any(name.startswith("ce-") for name in headers):
        return [_validate(_binary(headers, body))]
    raise Problem(415, "Unsupported media type",
                  f"Content-Type {media_type or '(none)'!r} is not a CloudEvents mode: send {STRUCTURED} (one event),"
                  f" {BATCH} (a batch) or {BINARY} with the attributes in ce-* headers (binary mode)",
                  kind="unsupported-media-type")


def _result(incoming: Incoming, outcome: Any) -> EventResult:
    return EventResult(id=incoming.id, source=incoming.source, type=incoming.type,
                       status="accepted" if outcome.created else "already recorded", referral_id=outcome.referral_id)


RESPONSES = {**PROBLEMS, 415: {"description": "Not one of the three CloudEvents modes",
                                "content": {"application/problem+json": {}}}}
STRUCTURED_EXAMPLE = {
    "specversion": "1.0", "id": "crm-2026-118734", "source": "/thames-valley-police/crm",
    "type": SUBMITTED, "datacontenttype": "application/json", "data": EXAMPLE,
}
BATCH_EXAMPLE = [STRUCTURED_EXAMPLE, {**STRUCTURED_EXAMPLE, "id": "crm-2026-118735"}]


@router.post("/events", response_model=EventsAccepted, responses=RESPONSES, openapi_extra={
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

"""RFC 9457 ``application/problem+json`` for every error a service returns (DESIGN D9).

Validation problems list every invalid field with a JSON pointer, what is wrong and, where the
schema says, what is allowed. Nothing else reaches a client as a 5xx page or a stack trace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.commands import RuleBroken

PROBLEM_JSON = "application/problem+json"
_FIELD_IN_MESSAGE = re.compile(r"^(?:Value error, )?([a-z_][a-z0-9_.]*): (.+)$", re.DOTALL)
log = structlog.get_logger()


class Problem(Exception):
    """An error with an HTTP status, a short title and, optionally, field errors."""

    def __init__(self, status: int, title: str, detail: str | None = None, *,
                 errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None,
                 kind: str | None = None, extensions: dict[str, Any] | None = None):
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.headers, self.extensions = errors, headers, extensions or {}
        self.kind = kind or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def problem_response(problem: Problem, instance: str) -> JSONResponse:
    body: dict[str, Any] = {"type": f"/problems/{problem.kind}", "title": problem.title,
                            "status": problem.status, "instance": instance}
    if problem.detail:
        body["detail"] = problem.detail
    if problem.errors is not None:
        body["errors"] = problem.errors
    body.update({k: v for k, v in problem.extensions.items() if k not in body})  # RFC 9457 extension members
    return JSONResponse(_encodable(body), status_code=problem.status, media_type=PROBLEM_JSON,
                        headers=problem.headers)


def _encodable(value: Any) -> Any:
    """The document with any lone surrogate (a field name a client sent as ``\\ud800``) written out
    as its escape: UTF-8 cannot encode one, and the refusal must not fail where the request did."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(v) for v in value]
    return value


def field_errors(errors: list[dict[str, Any]], *, drop_prefix: tuple[str, ...] = ("body",)) -> list[dict[str, Any]]:
    """Pydantic errors as ``{field, pointer, problem, allowed?}``, one per invalid field."""
    found = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ())]
        while loc and loc[0] in drop_prefix:
            loc = loc[1:]
        message = str(error.get("msg", "is invalid"))
        if match := _FIELD_IN_MESSAGE.match(message):
            loc, message = [*loc, *match.group(1).split(".")], match.group(2)
        message = message.removeprefix("Value error, ")
        if error.get("type") == "missing":
            message = "is required"
        elif error.get("type") == "extra_forbidden":
            message = "is not a field this API accepts"
        entry: dict[str, Any] = {"field": ".".join(loc) or "(body)", "pointer": "#/" + "/".join(loc),
                                 "problem": message}
        if expected := (error.get("ctx") or {}).get("expected"):
            entry["allowed"] = expected
        found.append(entry)
    return found


def invalid(errors: list[dict[str, Any]], *, detail: str | None = None) -> Problem:
    """422 naming every invalid field."""
    fields = field_errors(errors)
    return Problem(422, "Your request has invalid fields",
                   detail or "; ".join(f"{e['field']}: {e['problem']}" for e in fields),
                   errors=fields, kind="invalid-request")


RULE_TITLES = {404: "Not found", 409: "Conflict", 422: "Your request has invalid fields"}


def rule_problem(error: RuleBroken, status: int) -> Problem:
    """A rule's refusal as a problem document: its detail, and the field it names, if any."""
    detail = f"{error.where}: {error.detail}" if error.where else error.detail
    errors = None
    if error.field:
        path = [*error.path, *error.field.split(".")]
        errors = [{"field": ".".join(str(p) for p in path if not isinstance(p, int)),
                   "pointer": error.pointer or "#/" + "/".join(str(p) for p in path),
                   "problem": error.detail}]
    kind = re.sub(r"(?<!^)(?=[A-Z])", "-", type(error).__name__).lower()
    rule = (type(error).__doc__ or "").strip().split("\n\n")[0]
    extensions = {"rule": " ".join(rule.split())} if rule else {}
    return Problem(status, RULE_TITLES.get(status, "Refused"), detail, errors=errors, kind=kind,
                   extensions={**extensions, **error.extensions})


def install(app: FastAPI, rule_statuses: Mapping[type[RuleBroken], int]) -> None:
    """Route every error through problem+json; each rule error with the status the service gives it
    (a rule error the service did not list is a conflict with the case as it stands: 409)."""

    @app.exception_handler(RuleBroken)
    async def _rule(request: Request, error: RuleBroken) -> JSONResponse:
        status = next((rule_statuses[c] for c in type(error).__mro__ if c in rule_statuses), 409)
        return problem_response(rule_problem(error, status), request.url.path)

    @app.exception_handler(Problem)
    async def _problem(request: Request, problem: Problem) -> JSONResponse:
        return problem_response(problem, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        raw = error.errors()
        if any(e.get("type") == "json_invalid" for e in raw):
            return problem_response(Problem(400, "The body is not valid JSON",
                                            "; ".join(str(e.get("msg")) for e in raw), kind="malformed-json"),
                                    request.url.path)
        return problem_response(invalid(raw), request.url.path)

    @app.exception_handler(ValidationError)
    async def _model_validation(request: Request, error: ValidationError) -> JSONResponse:
        return problem_response(invalid(error.errors()), request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        title = {404: "Not found", 405: "Method not allowed", 401: "Unauthorised"}.get(error.status_code,
                                                                                        str(error.detail))
        return problem_response(Problem(error.status_code, title, str(error.detail),
                                        headers=getattr(error, "headers", None)), request.url.path)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("request.failed", path=request.url.path)
        return problem_response(Problem(500, "Something went wrong on our side",
                                        "The error has been logged for the service team.",
                                        kind="internal-error"), request.url.path)

"""The demo clock's door (see ``shared.clock``): with the service's ``demo_clock`` setting on, a
request may say when it happens with ``X-RJ-Demo-Time``; without the setting the header is ignored.

For filling a demo system with a past (``rj demo seed``), never for production: it lets a caller
date what it records. The time must carry a UTC offset, be in the past and not before 2000."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.clock import simulating
from shared.web.problems import Problem, problem_response

HEADER = "X-RJ-Demo-Time"
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def demo_time(value: str, now: datetime) -> datetime:
    """The header's value as an aware datetime; ValueError saying what is wrong and what is allowed."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("is not an ISO 8601 date and time with a UTC offset, e.g. 2025-03-04T10:15:00+00:00") \
            from None
    if moment.tzinfo is None:
        raise ValueError("has no UTC offset; add one, e.g. +00:00 or Z")
    if moment > now:
        raise ValueError("is in the future; a demo time must be in the past")
    if moment < EARLIEST:
        raise ValueError(f"is before {EARLIEST.date().isoformat()}; a demo time must be on or after it")
    return moment


class DemoClock:
    """ASGI middleware: each HTTP request with the header runs with ``shared.clock.now()`` at its time."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        value = Request(scope).headers.get(HEADER)
        if value is None:
            return await self.app(scope, receive, send)
        try:
            moment = demo_time(value, datetime.now(UTC))
        except ValueError as error:
            problem = Problem(400, f"Bad {HEADER}", f"{HEADER}: {error}", kind="bad-demo-time",
                              errors=[{"field": HEADER, "problem": str(error)}])
            return await problem_response(problem, scope.get("path", ""))(scope, receive, send)
        with simulating(moment):
            await self.app(scope, receive, send)


def install(app) -> None:
    """Honour ``X-RJ-Demo-Time`` on every request of ``app`` (only called when the setting is on)."""
    app.add_middleware(DemoClock)
    app.state.demo_clock = True

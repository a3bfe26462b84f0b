"""The FastAPI shell every service shares: lifespan, health, readiness, metrics and problem
documents (D9, D11). A service's ``create_app`` hands it its definition, settings and routers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID, uuid4

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.commands import RuleBroken
from shared.identity.fastapi import auth_router
from shared.logging import configure_logging
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.settings import ServiceSettings
from shared.web import democlock, problems, security

health = APIRouter(tags=["operations"])


@health.get("/healthz", include_in_schema=False)
async def healthz(request: Request) -> dict[str, str | bool]:
    """Liveness: the process answers. It says ``demo_clock: true`` when the service honours
    ``X-RJ-Demo-Time`` (how ``rj demo seed`` knows it may date what it records)."""
    if getattr(request.app.state, "demo_clock", False):
        return {"status": "ok", "demo_clock": True}
    return {"status": "ok"}


@health.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database and the broker are reachable."""
    runtime: ServiceRuntime | None = getattr(request.app.state, "runtime", None)
    checks = await runtime.ready() if runtime else {"started": False}
    ok = all(checks.values())
    return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503)


@health.get("/metrics", include_in_schema=False)
async def prometheus_metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


CORRELATION_HEADER = "X-Correlation-Id"


async def bind_correlation(request: Request, call_next):
    """Every request gets a correlation id (the caller's, if it sent a UUID), bound to the logs and
    echoed back, so one partner request can be followed through every service's events."""
    given = request.headers.get(CORRELATION_HEADER, "")
    try:
        correlation = UUID(given)
    except ValueError:
        correlation = uuid4()
    request.state.correlation_id = correlation
    structlog.contextvars.bind_contextvars(correlation_id=str(correlation))
    try:
        response = await call_next(request)
    finally:
        structlog.contextvars.unbind_contextvars("correlation_id")
    response.headers[CORRELATION_HEADER] = str(correlation)
    return response


def service_runtime(request: Request) -> ServiceRuntime:
    """The running service's plumbing (pool, store, keys), for routes that need it."""
    return request.app.state.runtime


def service_dependencies(request: Request) -> Any:
    """What the service's ``bootstrap`` built at start-up: its handlers' dependencies."""
    return request.app.state.dependencies


def create_service_app(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    routers: Sequence[APIRouter] = (),
    *,
    title: str,
    description: str = "",
    rule_statuses: Mapping[type[RuleBroken], int] | None = None,
    configure: Callable[[FastAPI], None] | None = None,
) -> FastAPI:
    """A service's ASGI app. The runtime starts with the app and stops with it (its definition's
    ``bootstrap`` builds the service's dependencies once); ``rule_statuses`` maps each rule error to the
    HTTP status its problem document carries."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        configure_logging(definition.name, fmt=settings.log_format, level=settings.log_level)
        runtime = ServiceRuntime(definition, settings)
        await runtime.start()
        app.state.runtime = runtime
        app.state.dependencies, app.state.identity = runtime.dependencies, runtime.identity
        try:
            yield
        finally:
            await runtime.stop()

    # The API docs' Swagger UI and ReDoc come from the fastapi-offline wheel: no CDN (DESIGN D9).
    app = FastAPIOffline(title=title, description=description, version="1.0.0", lifespan=lifespan)
    if settings.demo_clock:  # off unless the operator turned it on (rj up --demo-clock)
        democlock.install(app)
    app.middleware("http")(bind_correlation)
    problems.install(app, rule_statuses or {})
    app.include_router(health)
    if definition.people:
        app.include_router(auth_router())
    for router in routers:
        app.include_router(router)
    if configure:
        configure(app)
    security.install(app)  # outermost: every response, errors included, gets the security headers
    return app


READ_YOUR_WRITES_LIMIT = 10.0
"""Seconds: the runtime's wait bounds itself, but a stuck read-model query must not hang the answer."""


async def read_your_writes(request: Request, projection: str, event_ids: Sequence[UUID]) -> bool:
    """Wait, bounded, until the service's own read model has applied ``event_ids`` (D7), so the
    page or answer that follows shows what was just done. The events are recorded by then: a wait
    that fails or times out is logged, never answered as an error (that would invite a resend)."""
    if not event_ids:
        return True
    try:
        waiting = service_runtime(request).wait_until_projected(projection, event_ids)
        async with asyncio.timeout(READ_YOUR_WRITES_LIMIT):
            projected = await waiting
    except Exception:
        structlog.get_logger().exception("read_your_writes.failed", projection=projection,
                                         events=[str(e) for e in event_ids])
        return False
    if not projected:
        structlog.get_logger().warning("read_your_writes.timed_out", projection=projection,
                                       events=[str(e) for e in event_ids])
    return projected

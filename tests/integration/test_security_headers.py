"""Every response of every service carries the security headers: each route the app declares (path
parameters filled in, with and without an API key), static files, the API docs, a 404, a 405, a
413 and a 500. The walk is over ``app.routes``, so a route added later is walked too."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.routing import _IncludedRouter
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from rj.registry import SERVICES
from services.referral.adapters import agencies
from shared.web.security import CONTENT_SECURITY_POLICY, DOCS_PATHS, DOCS_POLICY, install
from tests.servers import serve

STATIC_PREFIXES = ("/static/", "/static-offline-docs/")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def flat_routes(routes) -> Iterator:
    """Every route, with included routers opened up (FastAPI keeps them as one entry each)."""
    for route in routes:
        if isinstance(route, _IncludedRouter):
            yield from flat_routes(route.effective_candidates())
        else:
            yield route


def sample(name: str, convertor) -> str:
    kind = type(convertor).__name__
    if kind == "IntegerConvertor":
        return "1"
    if kind == "UUIDConvertor" or name.endswith("_id") or name == "id":
        return str(uuid.uuid4())
    return "sample"


def fill(path: str, convertors: dict) -> str:
    return re.sub(r"{([^}:]+)(?::[^}]+)?}", lambda m: sample(m.group(1), convertors.get(m.group(1))), path)


def requests_for(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) for every route of the app, plus a file and a missing file of every mount."""
    wanted = []
    for route in flat_routes(app.routes):
        if isinstance(route, Mount):
            wanted.append(("GET", route.path + "/not-there.txt"))
            if isinstance(route.app, StaticFiles) and route.app.directory:
                files = [p for p in sorted(Path(route.app.directory).rglob("*")) if p.is_file()]
                files.sort(key=lambda p: p.suffix not in (".css", ".js"))  # a stylesheet or script first
                for file in files[:3]:
                    wanted.append(("GET", f"{route.path}/{file.relative_to(route.app.directory).as_posix()}"))
            continue
        path = fill(route.path, getattr(route, "param_convertors", {}) or {})
        wanted += [(method, path) for method in sorted(getattr(route, "methods", None) or {"GET"}) if method != "HEAD"]
    return wanted


def header_problems(response: httpx.Response, *, tls: bool = False) -> list[str]:
    """What is wrong with a response's security headers (empty if nothing)."""
    path, h = response.request.url.path, response.headers
    found = []
    policy = h.get("content-security-policy", "")
    if path in DOCS_PATHS:
        if policy != DOCS_POLICY:
            found.append(f"CSP of the API docs is {policy!r}")
    elif policy != CONTENT_SECURITY_POLICY:
        found.append(f"CSP is {policy!r}")
    if "http" in policy or "*" in policy:
        found.append("CSP allows another origin")
    expected = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin"}
    found += [f"{name} is {h.get(name)!r}" for name, value in expected.items() if h.get(name) != value]
    if "camera=()" not in h.get("permissions-policy", "") or "microphone=()" not in h.get("permissions-policy", ""):
        found.append(f"permissions-policy is {h.get('permissions-policy')!r}")
    if tls != ("strict-transport-security" in h):
        found.append(f"strict-transport-security is {h.get('strict-transport-security')!r} (TLS: {tls})")
    if not path.startswith(STATIC_PREFIXES) and h.get("cache-control") != "no-store":
        found.append(f"cache-control is {h.get('cache-control')!r}")
    if h.get("content-type", "").startswith("text/html") and path not in DOCS_PATHS:
        for what, pattern in (("inline script", INLINE_SCRIPT), ("inline style", INLINE_STYLE),
                              ("inline event handler", INLINE_HANDLER)):
            if match := pattern.search(response.text):
                found.append(f"{what} the CSP would block: {match.group(0)[:80]!r}")
    return found


async def walk(client: httpx.AsyncClient, app: FastAPI, headers: dict[str, str] | None = None,
               *, tls: bool = False) -> dict[str, list[str]]:
    """Every request of :func:`requests_for` plus a 404 and a 405; what is wrong, by request."""
    wanted = requests_for(app)
    wanted += [("GET", "/no/such/page"), ("DELETE", next(path for method, path in wanted if method == "GET"))]
    problems, statuses = {}, set()
    for method, path in wanted:
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        response = await client.request(method, path, headers=headers, **body)
        statuses.add(response.status_code)
        if found := header_problems(response, tls=tls):
            problems[f"{method} {path} -> {response.status_code}"] = found
    assert {404, 405} <= statuses
    return problems


@pytest.mark.parametrize("service", list(SERVICES))
async def test_every_route_of_every_service_sends_the_security_headers(service, fresh_database_url, clean_nats_url):
    async with serve(service, fresh_database_url, clean_nats_url) as (base, app):

        async def boom() -> None:
            raise RuntimeError("a bug")

        app.add_api_route("/test-only/boom", boom)  # a route added after the app was made, and a 500
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            problems = await walk(client, app)
            if service == "referral":  # the partner API as a partner sees it, too
                _, key = await agencies.add(app.state.runtime.pool, "Thames Valley Police")
                problems |= {f"(with key) {k}": v
                             for k, v in (await walk(client, app, {"Authorization": f"Bearer {key}"})).items()}
                too_big = await client.post("/api/v1/referrals", content=b"x" * (300 * 1024),
                                            headers={"Content-Type": "application/json"})
                assert too_big.status_code == 413
                problems["POST /api/v1/referrals (too big)"] = header_problems(too_big)
            error = await client.get("/test-only/boom")
            assert error.status_code == 500
            problems["GET /test-only/boom"] = header_problems(error)
    assert not {request: found for request, found in problems.items() if found}


async def test_the_walk_fails_an_app_without_the_middleware():
    app = FastAPI()

    @app.get("/page/{case_id}")
    async def page(case_id: str) -> dict:
        return {"case": case_id}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        problems = await walk(client, app)
    assert any(request.startswith("GET /page/") for request in problems)
    assert any(request.startswith("GET /no/such/page") for request in problems)


async def test_strict_transport_security_only_over_tls():
    app = FastAPI()
    install(app)

    @app.get("/page")
    async def page() -> dict:
        return {}

    for base, tls in (("https://rj.example", True), ("http://rj.example", False)):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base) as client:
            response = await client.get("/page")
        assert header_problems(response, tls=tls) == []
        assert ("max-age=" in response.headers.get("strict-transport-security", "")) is tls


async def test_a_route_may_set_its_own_cache_policy_but_nothing_weakens_the_others():
    app = FastAPI()
    install(app)

    @app.get("/cacheable")
    async def cacheable() -> JSONResponse:
        return JSONResponse({}, headers={"Cache-Control": "max-age=60", "X-Frame-Options": "SAMEORIGIN"})

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/cacheable")
    assert response.headers["cache-control"] == "max-age=60"
    assert response.headers["x-frame-options"] == "DENY"

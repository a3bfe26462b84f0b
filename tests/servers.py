"""Serving a service's real ASGI app (lifespan and all) on a free port inside the test's loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from rj.registry import SERVICES
from shared.embedded.ports import free_port
from tests.support import settings_for


@asynccontextmanager
async def serve(service: str, database_url: str, nats_url: str, **settings) -> AsyncIterator[tuple[str, FastAPI]]:
    """Start the service's ``create_app`` on the given engines; yields (base URL, app)."""
    app = SERVICES[service].app.create_app(settings_for(service, database_url, nats_url, **settings))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        for _ in range(400):
            if task.done():
                raise RuntimeError(f"{service} failed to start") from task.exception()
            try:
                if (await client.get(f"{base}/readyz")).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)
        else:
            raise TimeoutError(f"{service} did not become ready")
    try:
        yield base, app
    finally:
        server.should_exit = True
        await task

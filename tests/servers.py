"""Serving a service's real ASGI app (lifespan and all) on a free port inside the test's loop."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn

from shared.embedded.ports import free_port


@asynccontextmanager
async def serve(service: str, env: dict[str, str], monkeypatch) -> AsyncIterator[tuple[str, object]]:
    """Start ``services.<service>.app:app`` with ``env``; yields (base URL, app)."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    module = importlib.reload(importlib.import_module(f"services.{service}.app"))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(module.app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
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
        yield base, module.app
    finally:
        server.should_exit = True
        await task

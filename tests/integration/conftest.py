"""In-process services on a fresh database and a clean JetStream stream."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator

import nats
import pytest
from nats.js.errors import NotFoundError

from shared.cli.system import KEY_ACCESS, SERVICES
from shared.messaging.broker import STREAM
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from tests.support import KEK


@pytest.fixture
async def clean_nats_url(nats_url: str) -> str:
    """The session's NATS with ``RJ_EVENTS`` (and so every durable consumer) deleted."""
    client = await nats.connect(nats_url)
    try:
        try:
            await client.jetstream().delete_stream(STREAM)
        except NotFoundError:
            pass
    finally:
        await client.close()
    return nats_url


def settings_for(service: str, database_url: str, nats_url: str, **extra) -> ServiceSettings:
    return ServiceSettings(
        database_url=database_url, nats_url=nats_url,
        key_encryption_key=KEK if service in KEY_ACCESS else None, **extra,
    )


def runtime_for(service: str, database_url: str, nats_url: str, **extra) -> ServiceRuntime:
    definition = importlib.import_module(f"services.{service}.app").DEFINITION
    return ServiceRuntime(definition, settings_for(service, database_url, nats_url, **extra))


@pytest.fixture
async def system(fresh_database_url: str, clean_nats_url: str) -> AsyncIterator[dict[str, ServiceRuntime]]:
    """All four services' runtimes (store, relay, consumers) in this process."""
    runtimes = {name: runtime_for(name, fresh_database_url, clean_nats_url) for name in SERVICES}
    started = []
    try:
        for runtime in runtimes.values():
            await runtime.start()
            started.append(runtime)
        yield runtimes
    finally:
        for runtime in reversed(started):
            await runtime.stop()


@pytest.fixture
async def referral_service(fresh_database_url: str, clean_nats_url: str, monkeypatch) -> AsyncIterator[tuple]:
    """The referral service's real app, served on a free port: yields (base URL, its runtime)."""
    from tests.servers import serve

    env = {"RJ_DATABASE_URL": fresh_database_url, "RJ_NATS_URL": clean_nats_url, "RJ_KEY_ENCRYPTION_KEY": KEK}
    async with serve("referral", env, monkeypatch) as (base, app):
        yield base, app.state.runtime

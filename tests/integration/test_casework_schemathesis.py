"""Property-based tests of the casework API from its own OpenAPI document, signed in as a
supervisor: no input gives a 5xx, and every response matches the schema."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from tests.servers import serve

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "schemathesis-casework"


@pytest.mark.timeout(900)
async def test_the_casework_api_survives_schemathesis(fresh_database_url, clean_nats_url):
    async with serve("casework", fresh_database_url, clean_nats_url) as (base, app):
        await app.state.runtime.identity.accounts.add("sam.supervisor", "a long enough password", role="supervisor",
                                                      level="advanced")
        async with httpx.AsyncClient(base_url=base) as client:
            answer = await client.post("/api/v1/auth/token", json={"username": "sam.supervisor",
                                                                   "password": "a long enough password"})
        token = answer.json()["access_token"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "st"), "run", f"{base}/openapi.json",
            "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,"
                        "content_type_conformance,response_headers_conformance",
            "--header", f"Authorization: Bearer {token}",
            "--max-examples", "8", "--generation-deterministic", "--request-timeout", "20",
            "--suppress-health-check", "all",
            "--report", "junit", "--report-junit-path", str(ARTIFACTS / "junit.xml"),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-6000:]
    tested = {case.get("name") for case in ElementTree.parse(ARTIFACTS / "junit.xml").getroot().iter("testcase")}
    for operation in ("GET /api/v1/cases", "GET /api/v1/cases/{case_id}",
                      "POST /api/v1/cases/{case_id}/allocate-facilitator", "POST /api/v1/cases/{case_id}/vet-letter"):
        assert operation in tested, f"schemathesis did not test {operation}"

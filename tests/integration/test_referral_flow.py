"""A referral posted to the partner API flows on to the other three services through the broker."""

from __future__ import annotations

import httpx

from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE
from tests.integration.conftest import runtime_for
from tests.servers import serve
from tests.support import eventually


async def test_a_posted_referral_reaches_casework_notifications_and_reporting(
    fresh_database_url, clean_nats_url
):
    others = {name: runtime_for(name, fresh_database_url, clean_nats_url)
              for name in ("casework", "notifications", "reporting")}
    for runtime in others.values():
        await runtime.start()
    try:
        async with serve("referral", fresh_database_url, clean_nats_url) as (base, app):
            _, key = await agencies.add(app.state.runtime.pool, "Thames Valley Police")
            async with httpx.AsyncClient(base_url=base) as client:
                response = await client.post("/api/v1/referrals", json=EXAMPLE,
                                             headers={"Authorization": f"Bearer {key}"})
            assert response.status_code == 201, response.text
            referral_id = response.json()["referral_id"]

            async def row(service, table):
                runtime = others[service]
                return await runtime.pool.fetchrow(
                    f"SELECT * FROM {runtime.schema}.{table} WHERE referral_id = $1::uuid", referral_id)

            queue = await eventually(lambda: row("casework", "triage_queue"))
            deadline = await eventually(lambda: row("notifications", "acknowledgement_deadlines"))
            facts = await eventually(lambda: row("reporting", "referral_facts"))
            assert queue["reference"] == response.json()["reference"]
            assert queue["offence_type"] == "burglary" and queue["cj_stage"] == "post_sentence"
            assert deadline["acknowledged_at"] is None
            assert facts["source"] == "police" and facts["initiated_by"] == "victim"
    finally:
        for runtime in others.values():
            await runtime.stop()

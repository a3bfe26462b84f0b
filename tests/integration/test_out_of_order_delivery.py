"""An update delivered before the event that creates its row is retried, not lost."""

from __future__ import annotations

import pytest

from services.referral.projections.referral_status import ReferralStatus
from shared.contracts.referral import ReferralAcknowledged
from shared.envelope import Cause, new_event, open_event
from shared.eventstore.port import Actor
from shared.projections.apply import apply_once
from shared.projections.base import NotYetApplicable
from shared.projections.rebuild import create_tables
from tests.integration.conftest import runtime_for
from tests.support import record_referral


async def test_an_acknowledgement_that_overtakes_its_referral_waits_for_it(fresh_database_url, clean_nats_url):
    runtime = runtime_for("referral", fresh_database_url, clean_nats_url)
    await runtime.open()
    try:
        referral = await record_referral(runtime.store, runtime.keys)
        ack = await new_event(ReferralAcknowledged(referral_id=referral.referral_id, channel="email"),
                              Cause.fresh(Actor("user", "f1", "facilitator")), runtime.keys)
        await runtime.store.append(f"referral-{referral.referral_id}", [ack], 0)
        received, acknowledged = [await open_event(r, runtime.keys)
                                  for r in await runtime.store.read_stream(f"referral-{referral.referral_id}")]
        projection = ReferralStatus()
        async with runtime.pool.acquire() as conn:
            await create_tables(conn, "overtaken", projection)
            with pytest.raises(NotYetApplicable):
                await apply_once(conn, "overtaken", projection, acknowledged)
            assert await conn.fetchval("SELECT count(*) FROM overtaken.referral_status_inbox") == 0
            assert await apply_once(conn, "overtaken", projection, received)
            assert await apply_once(conn, "overtaken", projection, acknowledged)  # the retry now lands
            assert await conn.fetchval("SELECT status FROM overtaken.referral_status") == "acknowledged"
    finally:
        await runtime.pool.close()

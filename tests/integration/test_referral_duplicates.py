"""Possible duplicates are looked for only within the configured window, in the real index."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import timedelta

from services.referral.bootstrap import bootstrap
from services.referral.domain.commands import ReceiveReferral
from services.referral.domain.submission import EXAMPLE, ReferralSubmission
from services.referral.handlers import handle
from shared.envelope import Cause
from shared.eventstore.port import Actor
from tests.integration.conftest import runtime_for

POLICE = Actor("agency", "thames-valley-police", "partner")
SUBMISSION = ReferralSubmission.model_validate(copy.deepcopy(EXAMPLE))


async def submit(deps, key=None):
    return await handle(ReceiveReferral(SUBMISSION, "tvp", key), Cause.fresh(POLICE), deps)


async def test_a_referral_outside_the_window_is_not_linked_as_a_duplicate(fresh_database_url, clean_nats_url):
    runtime = runtime_for("referral", fresh_database_url, clean_nats_url)
    await runtime.open()
    try:
        deps = replace(bootstrap(runtime), duplicate_window=timedelta(days=30))
        first = await submit(deps)
        within = await submit(deps)
        assert within.possible_duplicate_of == first.referral_id

        await runtime.pool.execute("UPDATE referral.duplicate_index SET received_at = received_at - interval '31 days'")
        later = await submit(deps)
        assert later.possible_duplicate_of is None
        assert len({first.referral_id, within.referral_id, later.referral_id}) == 3
    finally:
        await runtime.pool.close()


async def test_a_retry_after_a_crash_before_the_index_write_mends_the_index(fresh_database_url, clean_nats_url):
    runtime = runtime_for("referral", fresh_database_url, clean_nats_url)
    await runtime.open()
    try:
        deps = bootstrap(runtime)
        first = await submit(deps, "k1")
        await runtime.pool.execute("DELETE FROM referral.duplicate_index")  # as if the process died there
        again = await submit(deps, "k1")
        assert again.referral_id == first.referral_id and not again.created
        assert await runtime.pool.fetchval("SELECT referral_id FROM referral.duplicate_index") == first.referral_id
    finally:
        await runtime.pool.close()

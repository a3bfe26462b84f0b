"""Possible duplicates are looked for only within the configured window."""

from __future__ import annotations

import copy
from datetime import timedelta

from services.referral.handlers import Deps, submit_referral
from services.referral.intake import EXAMPLE, ReferralSubmission
from shared.envelope import Cause
from shared.eventstore.port import Actor
from tests.integration.conftest import runtime_for

POLICE = Actor("agency", "thames-valley-police", "partner")


async def test_a_referral_outside_the_window_is_not_linked_as_a_duplicate(fresh_database_url, clean_nats_url):
    runtime = runtime_for("referral", fresh_database_url, clean_nats_url)
    await runtime.open()
    try:
        deps = Deps(runtime.store, runtime.keys, runtime.pool, b"k" * 32, duplicate_window=timedelta(days=30))
        submission = ReferralSubmission.model_validate(copy.deepcopy(EXAMPLE))
        first = await submit_referral(submission, Cause.fresh(POLICE), deps, agency_id="tvp")
        within = await submit_referral(submission, Cause.fresh(POLICE), deps, agency_id="tvp")
        assert within.possible_duplicate_of == first.referral_id

        await runtime.pool.execute("UPDATE referral.duplicate_index SET received_at = received_at - interval '31 days'")
        later = await submit_referral(submission, Cause.fresh(POLICE), deps, agency_id="tvp")
        assert later.possible_duplicate_of is None
        assert len({first.referral_id, within.referral_id, later.referral_id}) == 3
    finally:
        await runtime.pool.close()


async def test_a_retry_after_a_crash_before_the_index_write_mends_the_index(fresh_database_url, clean_nats_url):
    runtime = runtime_for("referral", fresh_database_url, clean_nats_url)
    await runtime.open()
    try:
        deps = Deps(runtime.store, runtime.keys, runtime.pool, b"k" * 32)
        submission = ReferralSubmission.model_validate(copy.deepcopy(EXAMPLE))
        first = await submit_referral(submission, Cause.fresh(POLICE), deps, agency_id="tvp", idempotency_key="k1")
        await runtime.pool.execute("DELETE FROM referral.duplicate_index")  # as if the process died there
        again = await submit_referral(submission, Cause.fresh(POLICE), deps, agency_id="tvp", idempotency_key="k1")
        assert again.referral_id == first.referral_id and not again.created
        assert await runtime.pool.fetchval("SELECT referral_id FROM referral.duplicate_index") == first.referral_id
    finally:
        await runtime.pool.close()

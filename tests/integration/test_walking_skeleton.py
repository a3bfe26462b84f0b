"""An event appended by referral reaches the other three services through store, relay and broker."""

from __future__ import annotations

from shared.contracts.base import ERASED
from shared.envelope import open_event
from shared.eventstore.port import Actor
from tests.support import a_referral, eventually, record_referral

POLICE = Actor("agency", "thames-valley-police", "partner")


async def test_a_referral_reaches_every_services_read_model(system):
    referral = a_referral()
    referral_service = system["referral"]
    await record_referral(referral_service.store, referral_service.keys, referral)

    async def row(service: str, table: str):
        runtime = system[service]
        return await runtime.pool.fetchrow(
            f"SELECT * FROM {runtime.schema}.{table} WHERE referral_id = $1", referral.referral_id
        )

    async def case_opened(service: str, table: str, column: str):
        found = await row(service, table)
        return found if found is not None and found[column] == "case opened" else None

    # Casework opens the referral's case at once, and that reaches the referral's status and the queue.
    status = await eventually(lambda: case_opened("referral", "referral_status", "status"))
    queue = await eventually(lambda: case_opened("casework", "triage_queue", "state"))
    deadline = await eventually(lambda: row("notifications", "acknowledgement_deadlines"))
    facts = await eventually(lambda: row("reporting", "referral_facts"))
    assert status["agency_id"] == "thames-valley-police" and queue["offence_type"] == "burglary"
    assert deadline["due_at"] > deadline["received_at"]
    assert facts["source"] == "police" and facts["area"] == "Buckinghamshire"


async def test_personal_data_is_sealed_in_the_store_and_unreadable_to_reporting(system):
    referral = a_referral()
    referral_service = system["referral"]
    await record_referral(referral_service.store, referral_service.keys, referral)
    [recorded] = await referral_service.store.read_stream(f"referral-{referral.referral_id}")

    assert "Alex Morgan" not in str(recorded.data)
    assert "alex@example.org" not in str(recorded.data)
    as_casework = await open_event(recorded, system["casework"].keys)
    as_reporting = await open_event(recorded, system["reporting"].keys)
    assert as_casework.event.victim.name == "Alex Morgan"
    assert as_reporting.event.victim.name == ERASED
    assert as_reporting.event.offence.offence_type == "burglary"  # not personal: still readable

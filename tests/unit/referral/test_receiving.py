"""Receiving a referral through ``handle``, on the in-memory store and fakes."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from uuid import UUID, uuid5

import pytest

from services.referral.domain.commands import ReceiveReferral
from services.referral.domain.decide import subjects_of
from services.referral.domain.errors import IdempotencyKeyReused, SelfReferralNotByAgency
from services.referral.domain.state import referral_stream
from services.referral.handlers import Submitted, handle
from services.referral.handlers.receive import referral_id_for
from shared.contracts.base import ERASED
from shared.envelope import Cause, open_event
from shared.eventstore.port import Actor
from tests.unit.referral.examples import AGENCY, OTHER_AGENCY, SELF_REFERRAL, agency_cause, submission
from tests.unit.referral.fakes import NOW, count_events

PERSONAL_VALUES = ["Alex Morgan", "alex.morgan@example.org", "+447700900123", "HP20 1AA", "Sam Taylor",
                   "do not mention the offence", "House broken into", "why our house was chosen",
                   "PC Jo Evans", "jo.evans@police.example", "+441632960001", "weekdays after 6pm"]


def receive(changes: dict | None = None, key: str | None = "key-1", agency_id: str | None = AGENCY):
    return ReceiveReferral(submission(changes), agency_id, key)


async def test_receiving_records_exactly_one_referral_received_in_the_referrals_stream(deps, cause):
    result = await handle(receive(), cause, deps)
    [recorded] = await deps.store.read_stream(referral_stream(result.referral_id))
    assert result == Submitted(result.referral_id, "REF-2026-000001", uuid5(result.referral_id, "ReferralReceived"),
                               None, NOW, created=True)
    assert (recorded.stream_id, recorded.event_type) == (f"referral-{result.referral_id}", "ReferralReceived")
    assert recorded.event_id == result.event_id
    assert (recorded.data["reference"], recorded.data["agency_id"]) == ("REF-2026-000001", AGENCY)
    assert (recorded.actor, recorded.correlation_id) == (cause.actor, cause.correlation_id)
    assert await count_events(deps.store) == 1


async def test_the_referral_id_stands_for_the_agency_and_its_idempotency_key(deps, cause):
    result = await handle(receive(key="key-7"), cause, deps)
    assert result.referral_id == referral_id_for(AGENCY, "key-7")
    other = await handle(receive(key="key-7", agency_id=OTHER_AGENCY), agency_cause(OTHER_AGENCY), deps)
    assert other.referral_id != result.referral_id
    assert other.created


async def test_the_victims_personal_fields_are_sealed_in_the_store(deps, cause):
    result = await handle(receive(), cause, deps)
    [recorded] = await deps.store.read_stream(referral_stream(result.referral_id))
    stored = json.dumps(recorded.data)
    assert [value for value in PERSONAL_VALUES if value in stored] == []
    assert recorded.data["victim"]["name"]["subject"] == str(uuid5(result.referral_id, "victim"))
    assert recorded.data["offender"]["name"]["subject"] == str(uuid5(result.referral_id, "offender"))
    assert recorded.data["referrer"]["name"]["subject"] == str(uuid5(result.referral_id, "referrer"))
    assert recorded.data["victim"]["contact_preferences"]["safe_times"]["subject"] == recorded.data["victim"][
        "name"]["subject"]
    assert recorded.data["offence"]["crime_reference"] == "43/12345/26"  # not personal: readable


async def test_the_sealed_fields_open_again_with_the_keys(deps, cause):
    result = await handle(receive(), cause, deps)
    [recorded] = await deps.store.read_stream(referral_stream(result.referral_id))
    event = (await open_event(recorded, deps.keys)).event
    assert (event.victim.name, event.victim.email, event.victim.phone) == (
        "Alex Morgan", "alex.morgan@example.org", "+447700900123")
    assert event.offender.name == "Sam Taylor"
    assert event.hopes == "To ask why our house was chosen."
    assert (await open_event(recorded, None)).event.victim.name == ERASED


async def test_the_same_key_and_body_answer_the_same_referral_and_record_nothing_new(deps, cause):
    first = await handle(receive(), cause, deps)
    again = await handle(receive(), agency_cause(), deps)
    assert again == Submitted(first.referral_id, first.reference, first.event_id, None, NOW, created=False)
    assert await count_events(deps.store) == 1


async def test_the_same_key_with_a_different_body_is_refused_and_records_nothing(deps, cause):
    await handle(receive(), cause, deps)
    with pytest.raises(IdempotencyKeyReused) as refused:
        await handle(receive({"hopes": "Something else entirely."}), cause, deps)
    assert (refused.value.key, refused.value.field) == ("key-1", "Idempotency-Key")
    assert await count_events(deps.store) == 1


async def test_without_a_key_every_request_is_a_new_referral(deps, cause):
    first = await handle(receive(key=None), cause, deps)
    second = await handle(receive(key=None), cause, deps)
    assert first.referral_id != second.referral_id
    assert (first.reference, second.reference) == ("REF-2026-000001", "REF-2026-000002")
    assert await count_events(deps.store) == 2


async def test_a_refused_self_referral_by_an_agency_does_not_claim_the_key(deps, cause):
    with pytest.raises(SelfReferralNotByAgency):
        await handle(receive(SELF_REFERRAL), cause, deps)
    assert await count_events(deps.store) == 0
    corrected = await handle(receive(), cause, deps)
    assert corrected.created
    assert await count_events(deps.store) == 1


async def test_a_victim_refers_themselves_with_no_agency(deps):
    result = await handle(receive(SELF_REFERRAL, key="form-1", agency_id=None),
                          Cause.fresh(Actor("user", "anonymous", "victim")), deps)
    [recorded] = await deps.store.read_stream(referral_stream(result.referral_id))
    assert (recorded.data["source"], recorded.data["agency_id"], recorded.data["referrer"]) == ("self", None, None)
    assert result.referral_id == referral_id_for("self", "form-1")


async def test_twenty_concurrent_identical_submissions_under_one_key_record_one_referral(deps, cause):
    results = await asyncio.gather(*[handle(receive(), cause, deps) for _ in range(20)])
    assert {r.referral_id for r in results} == {results[0].referral_id}
    assert await count_events(deps.store) == 1


async def test_twenty_concurrent_identical_submissions_under_one_key_all_answer_the_recorded_reference(deps, cause):
    results = await asyncio.gather(*[handle(receive(), cause, deps) for _ in range(20)])
    [recorded] = await deps.store.read_stream(referral_stream(results[0].referral_id))
    assert {r.reference for r in results} == {recorded.data["reference"]}
    assert sum(r.created for r in results) == 1
    # The nineteen that lost the race gave their numbers back: the next referral follows on.
    assert (await handle(receive(key="key-2"), cause, deps)).reference == "REF-2026-000002"


class FailingAppends:
    """The in-memory store, failing the next appends as a dropped database connection would."""

    def __init__(self, store, failures: int = 1):
        self._store, self.failures = store, failures

    def __getattr__(self, name):
        return getattr(self._store, name)

    async def append(self, *args, **kwargs):
        if self.failures:
            self.failures -= 1
            raise ConnectionResetError("the database went away")
        return await self._store.append(*args, **kwargs)


async def test_a_request_that_fails_to_record_leaves_its_key_free_for_a_corrected_body(deps, cause):
    failing = replace(deps, store=FailingAppends(deps.store))
    with pytest.raises(ConnectionResetError):
        await handle(receive(), cause, failing)
    corrected = await handle(receive({"hopes": "To be heard."}), cause, failing)
    assert corrected.created and corrected.reference == "REF-2026-000001"  # the number was given back
    assert await count_events(deps.store) == 1


async def test_a_failed_request_without_a_key_leaves_no_data_subject_keys_behind(deps, cause):
    failing = replace(deps, store=FailingAppends(deps.store))
    with pytest.raises(ConnectionResetError):
        await handle(receive(key=None), cause, failing)
    assert deps.keys.keys == {}


async def test_a_failed_request_with_a_key_keeps_its_subject_keys_for_the_retry(deps, cause):
    failing = replace(deps, store=FailingAppends(deps.store))
    with pytest.raises(ConnectionResetError):
        await handle(receive(), cause, failing)
    made = dict(deps.keys.keys)
    retried = await handle(receive(), cause, failing)
    assert set(made) == set(subjects_of(retried.referral_id)) & set(deps.keys.keys)
    assert all(deps.keys.keys[s] == k for s, k in made.items())


async def test_a_second_referral_of_the_same_crime_and_victim_within_the_window_is_a_possible_duplicate(
        deps, cause, clock):
    first = await handle(receive(key="key-1"), cause, deps)
    clock.advance(days=30)
    second = await handle(receive({"offence.crime_reference": "43/12345/26".lower(), "victim.name": "ALEX  MORGAN"},
                                  key="key-2", agency_id=OTHER_AGENCY), agency_cause(OTHER_AGENCY), deps)
    assert second.possible_duplicate_of == first.referral_id
    [recorded] = await deps.store.read_stream(referral_stream(second.referral_id))
    assert recorded.data["possible_duplicate_of"] == str(first.referral_id)


async def test_a_second_referral_outside_the_window_is_not_a_possible_duplicate(deps, cause, clock):
    await handle(receive(key="key-1"), cause, deps)
    clock.advance(days=91)
    second = await handle(receive(key="key-2"), cause, deps)
    assert second.possible_duplicate_of is None
    [recorded] = await deps.store.read_stream(referral_stream(second.referral_id))
    assert recorded.data["possible_duplicate_of"] is None


async def test_a_second_referral_at_the_edge_of_the_window_is_a_possible_duplicate(deps, cause, clock):
    first = await handle(receive(key="key-1"), cause, deps)
    clock.advance(days=90)
    assert (await handle(receive(key="key-2"), cause, deps)).possible_duplicate_of == first.referral_id


async def test_a_referral_of_another_victim_of_the_same_crime_is_not_a_possible_duplicate(deps, cause, clock):
    await handle(receive(key="key-1"), cause, deps)
    clock.advance(days=1)
    other = await handle(receive({"victim.name": "Robin Morgan"}, key="key-2"), cause, deps)
    assert other.possible_duplicate_of is None


async def test_a_referral_of_the_same_victim_for_another_crime_is_not_a_possible_duplicate(deps, cause, clock):
    await handle(receive(key="key-1"), cause, deps)
    clock.advance(days=1)
    other = await handle(receive({"offence.crime_reference": "43/99999/26"}, key="key-2"), cause, deps)
    assert other.possible_duplicate_of is None


async def test_a_repeat_answers_the_duplicate_link_first_recorded(deps, cause, clock):
    first = await handle(receive(key="key-1"), cause, deps)
    clock.advance(days=2)
    second = await handle(receive(key="key-2"), cause, deps)
    clock.advance(days=200)
    again = await handle(receive(key="key-2"), cause, deps)
    assert (again.possible_duplicate_of, again.created) == (first.referral_id, False)
    assert again.received_at == second.received_at


async def test_a_received_referral_is_findable_as_a_possible_duplicate(deps, cause):
    result = await handle(receive(), cause, deps)
    row = deps.duplicates.rows[result.referral_id]
    assert (row.crime_reference, row.victim_subject, row.received_at) == (
        "43/12345/26", uuid5(result.referral_id, "victim"), NOW)


async def test_a_lost_duplicate_index_entry_is_mended_by_a_repeat(deps, cause):
    result = await handle(receive(), cause, deps)
    deps.duplicates.rows.clear()  # as if the process crashed between the append and the index
    await handle(receive(), cause, deps)
    assert list(deps.duplicates.rows) == [result.referral_id]


async def test_references_number_referrals_in_order(deps, cause):
    results = [await handle(receive(key=f"key-{n}"), cause, deps) for n in range(3)]
    assert [r.reference for r in results] == ["REF-2026-000001", "REF-2026-000002", "REF-2026-000003"]
    assert len({r.referral_id for r in results}) == 3
    assert all(isinstance(r.referral_id, UUID) for r in results)

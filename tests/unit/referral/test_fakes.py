"""The in-memory fakes keep the Postgres adapters' semantics, so the handler tests mean something."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from services.referral.adapters.duplicate_index import MOST_RECENT
from services.referral.domain.duplicates import EarlierReferral
from tests.unit.referral.fakes import NOW, FakeDuplicateIndex, FakeReferenceNumbers, InMemoryKeys

FIRST = UUID("00000000-0000-4000-8000-000000000001")
SECOND = UUID("00000000-0000-4000-8000-000000000002")


async def test_duplicates_match_the_crime_reference_in_any_case_and_the_fingerprint_most_recent_first():
    index = FakeDuplicateIndex()
    await index.add(FIRST, "43/ab/26", "print", uuid4(), NOW - timedelta(days=2))
    await index.add(SECOND, "43/AB/26", "print", uuid4(), NOW - timedelta(days=1))
    await index.add(uuid4(), "43/AB/26", "another print", uuid4(), NOW)
    await index.add(uuid4(), None, "print", uuid4(), NOW)
    assert [m.referral_id for m in await index.matching("43/Ab/26", "print")] == [SECOND, FIRST]


async def test_a_referral_is_indexed_once_and_at_most_the_most_recent_are_matched():
    index = FakeDuplicateIndex()
    await index.add(FIRST, "43/1/26", "print", uuid4(), NOW)
    await index.add(FIRST, "43/1/26", "print", uuid4(), NOW + timedelta(days=5))
    for day in range(MOST_RECENT + 5):
        await index.add(uuid4(), "43/1/26", "print", uuid4(), NOW - timedelta(days=day + 1))
    matches = await index.matching("43/1/26", "print")
    assert len(matches) == MOST_RECENT
    assert matches[0] == EarlierReferral(FIRST, NOW)


async def test_references_count_up_and_carry_the_year():
    references = FakeReferenceNumbers()
    assert [await references.next(2026), await references.next(2027)] == ["REF-2026-000001", "REF-2027-000002"]


async def test_a_returned_reference_is_handed_out_again_before_the_sequence_moves_on():
    references = FakeReferenceNumbers()
    taken = [await references.next(2026) for _ in range(3)]
    await references.release(taken[2])
    await references.release(taken[0])
    assert [await references.next(2026) for _ in range(3)] == [taken[0], taken[2], "REF-2026-000004"]


async def test_each_subject_has_its_own_random_key_which_opens_what_it_sealed():
    keys = InMemoryKeys()
    first, second = await keys.key_for_sealing(FIRST), await keys.key_for_sealing(SECOND)
    assert len(first) == 32 and first != second
    assert await keys.key_for_sealing(FIRST) == first
    assert await keys.keys_for_opening([FIRST, uuid4()]) == {FIRST: first}


async def test_discarded_keys_are_gone_and_others_stay():
    keys = InMemoryKeys()
    await keys.key_for_sealing(FIRST)
    second = await keys.key_for_sealing(SECOND)
    await keys.discard([FIRST, uuid4()])
    assert await keys.keys_for_opening([FIRST, SECOND]) == {SECOND: second}

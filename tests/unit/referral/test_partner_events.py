"""A partner's events through ``handle(RecordPartnerEvents)``: all recorded, or, if a rule refuses one, none."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4, uuid5

import pytest

from services.referral.domain.commands import (
    ChangeCustody,
    DeferSentence,
    ReceiveReferral,
    RecordPartnerEvents,
    RecordSentence,
    SentReferral,
    SentUpdate,
    WithdrawReferral,
)
from services.referral.domain.decide import MAX_DEFERRAL_DAYS
from services.referral.domain.errors import (
    DeferralOutOfRange,
    IdempotencyKeyReused,
    ReferralWithdrawn,
    SelfReferralNotByAgency,
    UnknownReferral,
)
from services.referral.domain.state import referral_stream
from services.referral.handlers import Submitted, UpdateRecorded, handle
from services.referral.handlers.partner_events import update_event_id
from services.referral.handlers.receive import referral_id_for
from shared.contracts import referral as events
from shared.envelope import new_event, open_event
from shared.eventstore.port import WrongExpectedVersion
from tests.unit.referral.examples import AGENCY, OTHER_AGENCY, SELF_REFERRAL, SOURCE, agency_cause, submission
from tests.unit.referral.fakes import NOW, count_events, dependencies

TODAY = NOW.date()


async def a_referral(deps, agency_id: str = AGENCY) -> UUID:
    """A referral the agency made, already recorded."""
    result = await handle(ReceiveReferral(submission(), agency_id, f"key-{uuid4()}"), agency_cause(agency_id), deps)
    return result.referral_id


def batch(*items, agency_id: str = AGENCY) -> RecordPartnerEvents:
    """The items as sent in one request, each pointing at its own data."""
    placed = tuple(type(item)(item.source, item.id, *_payload(item), at=(index, "data"))
                   for index, item in enumerate(items))
    return RecordPartnerEvents(agency_id, placed)


def _payload(item):
    return (item.submission,) if isinstance(item, SentReferral) else (item.update,)


def withdrawal(referral_id: UUID, id_: str = "crm-w") -> SentUpdate:
    return SentUpdate(SOURCE, id_, WithdrawReferral(referral_id=referral_id, reason="victim declined"))


def custody(referral_id: UUID, id_: str = "crm-c") -> SentUpdate:
    return SentUpdate(SOURCE, id_, ChangeCustody(referral_id=referral_id, custody_status="in_custody",
                                                 establishment="HMP Bullingdon", effective_date=date(2026, 9, 20)))


def deferral(referral_id: UUID, days_ahead: int = 90, id_: str = "court-d") -> SentUpdate:
    return SentUpdate(SOURCE, id_, DeferSentence(referral_id=referral_id, court="Aylesbury Crown Court",
                                                 deferred_until=TODAY + timedelta(days=days_ahead)))


def sentencing(referral_id: UUID, id_: str = "court-s") -> SentUpdate:
    return SentUpdate(SOURCE, id_, RecordSentence(referral_id=referral_id, court="Aylesbury Crown Court",
                                                  sentenced_on=date(2026, 9, 30), outcome="community order"))


async def types_in(deps, referral_id: UUID) -> list[str]:
    return [r.event_type for r in await deps.store.read_stream(referral_stream(referral_id))]


async def test_a_batch_of_updates_is_recorded_in_order(deps, cause):
    referral_id = await a_referral(deps)
    results = await handle(batch(custody(referral_id), deferral(referral_id), sentencing(referral_id)), cause, deps)
    assert results == [UpdateRecorded(referral_id, created=True)] * 3
    assert await types_in(deps, referral_id) == [
        "ReferralReceived", "OffenderCustodyChanged", "SentenceDeferred", "SentenceRecorded"]


async def test_free_text_about_people_in_updates_is_sealed_under_their_keys(deps, cause):
    referral_id = await a_referral(deps)
    await handle(batch(custody(referral_id), sentencing(referral_id), withdrawal(referral_id)), cause, deps)
    custody_changed, sentenced, withdrawn = (await deps.store.read_stream(referral_stream(referral_id)))[1:]
    stored = str([custody_changed.data, sentenced.data, withdrawn.data])
    assert [v for v in ("HMP Bullingdon", "community order", "victim declined") if v in stored] == []
    assert sentenced.data["outcome"]["subject"] == str(uuid5(referral_id, "offender"))
    assert withdrawn.data["reason"]["subject"] == str(uuid5(referral_id, "victim"))
    opened = await open_event(sentenced, deps.keys)
    assert opened.event.outcome == "community order"


async def test_an_update_is_recorded_under_an_id_derived_from_its_source_and_id(deps, cause):
    referral_id = await a_referral(deps)
    item = custody(referral_id, "crm-42")
    await handle(batch(item), cause, deps)
    recorded = await deps.store.read_stream(referral_stream(referral_id))
    assert recorded[-1].event_id == update_event_id(AGENCY, item)
    assert update_event_id(AGENCY, item) != update_event_id(AGENCY, custody(referral_id, "crm-43"))


async def test_a_referral_sent_among_events_is_received_and_a_resend_answers_it(deps, cause):
    [first] = await handle(batch(SentReferral(SOURCE, "crm-1", submission())), cause, deps)
    [again] = await handle(batch(SentReferral(SOURCE, "crm-1", submission())), cause, deps)
    assert isinstance(first, Submitted) and first.created
    assert (again.referral_id, again.reference, again.created) == (first.referral_id, first.reference, False)
    assert first.referral_id == referral_id_for(AGENCY, f"ce:{SOURCE}:crm-1")
    assert await count_events(deps.store) == 1


async def test_a_batch_with_one_refused_update_records_nothing_at_all(deps, cause):
    referral_id = await a_referral(deps)
    before = await count_events(deps.store)
    too_late = deferral(referral_id, days_ahead=MAX_DEFERRAL_DAYS + 1, id_="court-9")
    with pytest.raises(DeferralOutOfRange) as refused:
        await handle(batch(custody(referral_id), too_late, sentencing(referral_id)), cause, deps)
    assert (refused.value.where, refused.value.path, refused.value.field) == (
        "event 'court-9'", (1, "data"), "deferred_until")
    assert await count_events(deps.store) == before


async def test_a_refused_update_records_no_referral_sent_before_it_in_the_batch(deps, cause):
    referral_id = await a_referral(deps)
    before = await count_events(deps.store)
    with pytest.raises(UnknownReferral) as refused:
        await handle(batch(SentReferral(SOURCE, "crm-new", submission()), custody(uuid4(), "crm-lost")), cause, deps)
    assert (refused.value.where, refused.value.path) == ("event 'crm-lost'", (1, "data"))
    assert await count_events(deps.store) == before
    assert await types_in(deps, referral_id) == ["ReferralReceived"]
    # Nothing was taken by the refused request: its event id is free for a corrected body.
    [corrected] = await handle(batch(SentReferral(SOURCE, "crm-new", submission({"hopes": "Other."}))), cause, deps)
    assert corrected.created and corrected.reference == "REF-2026-000002"


async def test_an_error_of_a_single_event_points_at_its_data(deps, cause):
    item = custody(uuid4(), "crm-1")
    with pytest.raises(UnknownReferral) as refused:
        await handle(RecordPartnerEvents(AGENCY, (item,)), cause, deps)
    assert (refused.value.where, refused.value.path) == ("event 'crm-1'", ("data",))


async def test_a_self_referral_sent_by_an_agency_among_its_events_is_refused_and_records_nothing(deps, cause):
    referral_id = await a_referral(deps)
    before = await count_events(deps.store)
    with pytest.raises(SelfReferralNotByAgency) as refused:
        await handle(batch(custody(referral_id), SentReferral(SOURCE, "crm-self", submission(SELF_REFERRAL))),
                     cause, deps)
    assert (refused.value.where, refused.value.path, refused.value.field) == (
        "event 'crm-self'", (1, "data"), "source")
    assert await count_events(deps.store) == before


async def test_an_agency_cannot_update_a_referral_another_agency_made(deps):
    referral_id = await a_referral(deps, agency_id=AGENCY)
    with pytest.raises(UnknownReferral) as refused:
        await handle(batch(withdrawal(referral_id, "prob-1"), agency_id=OTHER_AGENCY), agency_cause(OTHER_AGENCY),
                     deps)
    assert refused.value.where == "event 'prob-1'"
    assert await types_in(deps, referral_id) == ["ReferralReceived"]


async def test_an_update_of_a_referral_never_received_is_refused(deps, cause):
    with pytest.raises(UnknownReferral):
        await handle(batch(sentencing(uuid4())), cause, deps)
    assert await count_events(deps.store) == 0


async def test_a_withdrawn_referral_takes_no_further_updates(deps, cause):
    referral_id = await a_referral(deps)
    await handle(batch(withdrawal(referral_id)), cause, deps)
    with pytest.raises(ReferralWithdrawn):
        await handle(batch(custody(referral_id)), cause, deps)
    assert await types_in(deps, referral_id) == ["ReferralReceived", "ReferralWithdrawn"]


async def test_a_withdrawal_then_a_sentence_in_one_batch_is_refused_whole(deps, cause):
    referral_id = await a_referral(deps)
    with pytest.raises(ReferralWithdrawn) as refused:
        await handle(batch(withdrawal(referral_id, "crm-1"), sentencing(referral_id, "court-2")), cause, deps)
    assert (refused.value.where, refused.value.path) == ("event 'court-2'", (1, "data"))
    assert await types_in(deps, referral_id) == ["ReferralReceived"]


async def test_a_withdrawal_of_one_referral_does_not_stop_updates_of_another_in_the_batch(deps, cause):
    first, second = await a_referral(deps), await a_referral(deps)
    results = await handle(batch(withdrawal(first, "crm-1"), sentencing(second, "court-2")), cause, deps)
    assert results == [UpdateRecorded(first, created=True), UpdateRecorded(second, created=True)]
    assert await types_in(deps, second) == ["ReferralReceived", "SentenceRecorded"]


async def test_a_resent_update_is_answered_not_created_and_records_nothing(deps, cause):
    referral_id = await a_referral(deps)
    await handle(batch(custody(referral_id, "crm-1")), cause, deps)
    before = await count_events(deps.store)
    assert await handle(batch(custody(referral_id, "crm-1")), cause, deps) == [UpdateRecorded(referral_id, False)]
    assert await count_events(deps.store) == before


async def test_a_resent_withdrawal_is_answered_not_created_even_though_the_referral_is_now_withdrawn(deps, cause):
    referral_id = await a_referral(deps)
    assert await handle(batch(withdrawal(referral_id, "crm-1")), cause, deps) == [UpdateRecorded(referral_id, True)]
    assert await handle(batch(withdrawal(referral_id, "crm-1")), cause, deps) == [UpdateRecorded(referral_id, False)]
    assert await types_in(deps, referral_id) == ["ReferralReceived", "ReferralWithdrawn"]


async def test_a_resent_batch_with_a_withdrawal_and_an_earlier_update_records_nothing(deps, cause):
    referral_id = await a_referral(deps)
    sent = batch(custody(referral_id, "crm-1"), withdrawal(referral_id, "crm-2"))
    await handle(sent, cause, deps)
    assert await handle(sent, cause, deps) == [UpdateRecorded(referral_id, False)] * 2
    assert await types_in(deps, referral_id) == ["ReferralReceived", "OffenderCustodyChanged", "ReferralWithdrawn"]


async def test_the_same_update_id_from_another_source_is_a_new_update(deps, cause):
    referral_id = await a_referral(deps)
    await handle(batch(custody(referral_id, "crm-1")), cause, deps)
    other_source = SentUpdate("/thames-valley-police/court-feed", "crm-1", custody(referral_id).update)
    assert await handle(batch(other_source), cause, deps) == [UpdateRecorded(referral_id, True)]
    assert await types_in(deps, referral_id) == ["ReferralReceived", "OffenderCustodyChanged",
                                                 "OffenderCustodyChanged"]


class RacingStore:
    """The in-memory store, but another writer slips ``interloper`` into the stream just before
    the first append to it, which therefore fails with ``WrongExpectedVersion``."""

    def __init__(self, store, interloper, keys, cause):
        self._store, self._interloper, self._keys, self._cause = store, interloper, keys, cause
        self.appends = 0

    def __getattr__(self, name):
        return getattr(self._store, name)

    async def append(self, stream_id, events, expected_version):
        self.appends += 1
        if self.appends == 1:
            other = await new_event(self._interloper, self._cause, self._keys)
            result = await self._store.append(stream_id, [other], expected_version)
            raise WrongExpectedVersion(stream_id, expected_version, result.next_expected_version)
        return await self._store.append(stream_id, events, expected_version)


async def test_a_version_conflict_is_retried_on_the_stream_as_it_now_is(cause):
    plain = dependencies()
    referral_id = await a_referral(plain)
    interloper = events.OffenderCustodyChanged(referral_id=referral_id, effective_date=date(2026, 9, 1),
                                        offender=events.Offender(subject_id=uuid4(), custody_status="on_licence"))
    store = RacingStore(plain.store, interloper, plain.keys, cause)
    deps = dependencies(store=store, keys=plain.keys, clock=plain.clock)
    assert await handle(batch(deferral(referral_id)), cause, deps) == [UpdateRecorded(referral_id, True)]
    assert store.appends == 2
    assert await types_in(plain, referral_id) == ["ReferralReceived", "OffenderCustodyChanged", "SentenceDeferred"]


async def test_a_version_conflict_is_decided_again_and_refused_if_the_referral_was_withdrawn_meanwhile(cause):
    plain = dependencies()
    referral_id = await a_referral(plain)
    withdrawn = events.ReferralWithdrawn(referral_id=referral_id, withdrawn_by="victim")
    store = RacingStore(plain.store, withdrawn, plain.keys, cause)
    deps = dependencies(store=store, keys=plain.keys, clock=plain.clock)
    with pytest.raises(ReferralWithdrawn) as refused:
        await handle(batch(deferral(referral_id, id_="court-7")), cause, deps)
    assert (refused.value.where, refused.value.path) == ("event 'court-7'", (0, "data"))
    assert await types_in(plain, referral_id) == ["ReferralReceived", "ReferralWithdrawn"]


async def test_a_batch_whose_resent_referral_has_a_different_body_records_nothing(deps, cause):
    [first] = await handle(batch(SentReferral(SOURCE, "crm-1", submission())), cause, deps)
    before = await count_events(deps.store)
    with pytest.raises(IdempotencyKeyReused) as refused:
        await handle(batch(withdrawal(first.referral_id, "crm-2"),
                           SentReferral(SOURCE, "crm-1", submission({"hopes": "Changed."}))), cause, deps)
    assert (refused.value.where, refused.value.path) == ("event 'crm-1'", (1, "data"))
    assert await count_events(deps.store) == before

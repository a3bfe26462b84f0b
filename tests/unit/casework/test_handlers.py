"""Casework's use cases on the in-memory store and fakes: opening a case once per referral,
partner news, a person's action with the staff it names, and reading a case."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import uuid4

import pytest

from services.casework.domain import commands as c
from services.casework.domain.errors import CaseChangedMeanwhile, CaseNotFound
from services.casework.domain.state import case_stream
from services.casework.handlers import ActOnCase, case_id_for, handle
from services.casework.handlers.case_view import REPARATION, view_case
from services.casework.handlers.reactions import NotePartnerUpdates, OpenCases, opening_of
from services.casework.handlers.timeline import PHRASES
from shared.contracts import casework as e
from shared.contracts import referral as r
from shared.envelope import Cause, new_event, open_event
from shared.eventstore.port import Actor
from shared.projections.base import NotYetApplicable
from tests.support import a_referral
from tests.unit.casework import examples
from tests.unit.casework.examples import ADVANCED, FOUNDATION, SUPERVISOR
from tests.unit.casework.fakes import dependencies

CAUSE = Cause.fresh(Actor("user", SUPERVISOR.username, "supervisor"))


@pytest.fixture
def deps():
    return dependencies()


async def envelope_of(event, deps):
    stream = f"referral-{event.referral_id}"
    recorded = await deps.store.read_stream(stream)
    await deps.store.append(stream, [await new_event(event, CAUSE, deps.keys)], len(recorded) - 1)
    return await open_event((await deps.store.read_stream(stream))[-1], deps.keys)


async def opened_case(deps, **changes):
    referral = a_referral(**changes)
    await OpenCases().react(await envelope_of(referral, deps), deps)
    return referral, case_id_for(referral.referral_id)


async def test_a_referral_opens_one_case_however_often_it_is_delivered(deps):
    referral = a_referral()
    envelope = await envelope_of(referral, deps)
    await asyncio.gather(*[OpenCases().react(envelope, deps) for _ in range(5)])
    recorded = await deps.store.read_stream(case_stream(case_id_for(referral.referral_id)))
    assert [x.event_type for x in recorded] == ["CaseOpened"]
    # The deliveries that lost the race gave their numbers back: the next case takes the lowest.
    winner = recorded[0].data["reference"]
    _, second = await opened_case(deps)
    following = (await deps.store.read_stream(case_stream(second)))[0].data["reference"]
    used = {winner, following} | {f"RJ-2026-{n:06d}" for _, n in deps.references.returned}
    assert used == {f"RJ-2026-{n:06d}" for n in range(1, 6)}
    assert following == min(used - {winner})


async def test_the_case_opened_carries_the_victims_details_sealed(deps):
    referral, case_id = await opened_case(deps)
    [recorded] = await deps.store.read_stream(case_stream(case_id))
    assert "Alex Morgan" not in str(recorded.data)
    assert (await open_event(recorded, deps.keys)).event.victim.name == "Alex Morgan"
    assert opening_of(referral).possible_duplicate_of is None


async def test_partner_news_waits_for_its_case_then_lands_once(deps):
    referral = a_referral()
    sentence = r.SentenceRecorded(referral_id=referral.referral_id, court="Aylesbury Crown Court",
                                  sentenced_on=referral.received_at.date(), outcome="community order",
                                  offender_subject_id=referral.offender.subject_id)
    with pytest.raises(NotYetApplicable):
        await NotePartnerUpdates().react(await _partner_envelope(sentence, deps), deps)
    await OpenCases().react(await envelope_of(referral, deps), deps)
    envelope = await _partner_envelope(sentence, deps)
    for _ in range(2):
        await NotePartnerUpdates().react(envelope, deps)
    recorded = await deps.store.read_stream(case_stream(case_id_for(referral.referral_id)))
    assert [x.event_type for x in recorded][-1] == "PartnerUpdateNoted" and len(recorded) == 2


async def _partner_envelope(event, deps):
    stream = f"partner-{event.referral_id}"
    if not await deps.store.read_stream(stream):
        await deps.store.append(stream, [await new_event(event, CAUSE, deps.keys)], -1)
    return await open_event((await deps.store.read_stream(stream))[0], deps.keys)


async def test_an_allocation_looks_up_the_people_it_names(deps):
    _, case_id = await opened_case(deps)
    executed = await handle(ActOnCase(case_id, c.AllocateFacilitator(facilitator=ADVANCED.username), SUPERVISOR),
                            CAUSE, deps)
    assert executed.events[0].level == "advanced" and executed.version == 1


async def test_an_action_on_a_case_changed_since_is_refused_with_the_current_version(deps):
    _, case_id = await opened_case(deps)
    await handle(ActOnCase(case_id, c.TriageCase(), SUPERVISOR, expected_version=0), CAUSE, deps)
    with pytest.raises(CaseChangedMeanwhile) as refused:
        await handle(ActOnCase(case_id, c.PutOnHold(reason="x"), SUPERVISOR, expected_version=0), CAUSE, deps)
    assert refused.value.extensions == {"current": {"version": 1, "status": "triaged"}}


async def test_reading_a_case_is_recorded_and_refused_to_a_facilitator_not_on_it(deps):
    _, case_id = await opened_case(deps)
    await handle(ActOnCase(case_id, c.AllocateFacilitator(facilitator=ADVANCED.username), SUPERVISOR), CAUSE, deps)
    view = await view_case(case_id, ADVANCED, CAUSE, deps)
    assert view.parties["victim"]["name"] == "Alex Morgan"
    assert [d.what for d in view.deadlines] == ["first contact attempt with the victim"]
    with pytest.raises(CaseNotFound):
        await view_case(case_id, FOUNDATION, CAUSE, deps)
    with pytest.raises(CaseNotFound):
        await view_case(uuid4(), SUPERVISOR, CAUSE, deps)
    assert len(await deps.store.read_stream(f"access-{case_id}")) == 1


async def test_the_case_view_carries_letters_messages_conferences_and_items_from_one_read(deps):
    """What the case page needs, from one read of the stream (the page reads nothing else), and
    each deadline and timeline entry with its catalogue phrase besides its English text."""
    letter, message, item = uuid4(), uuid4(), uuid4()
    events = [*examples.scheduled(), e.ProcessChosen(case_id=examples.CASE_ID, process="letters"),
              e.LetterReceived(case_id=examples.CASE_ID, subject_id=examples.VICTIM, letter_id=letter,
                               from_party="victim", content="Dear Sam, write to HP20 1AA. Alex"),
              e.LetterVetted(case_id=examples.CASE_ID, subject_id=examples.VICTIM, letter_id=letter,
                             content="Dear Sam. Alex", vetted_by=ADVANCED.username),
              e.ShuttleMessageDelivered(case_id=examples.CASE_ID, subject_id=examples.OFFENDER, message_id=message,
                                        direction="offender_to_victim", medium="spoken", summary="I am sorry"),
              e.ReparationAgreed(case_id=examples.CASE_ID, subject_id=examples.OFFENDER, agreement_id=uuid4(),
                                 items=(e.ReparationItem(item_id=item, kind="apology", description="A letter",
                                                         due=examples.TODAY),))]
    await deps.store.append(case_stream(examples.CASE_ID), [await new_event(x, CAUSE, deps.keys) for x in events],
                            -1)
    reads = []
    real_read = deps.store.read_stream

    async def counted(stream, *args, **kwargs):
        reads.append(stream)
        return await real_read(stream, *args, **kwargs)

    deps.store.read_stream = counted
    view = await view_case(examples.CASE_ID, SUPERVISOR, CAUSE, deps)
    assert reads == [case_stream(examples.CASE_ID)]
    [held] = view.letters
    assert (held.letter_id, held.number, held.from_party, held.status) == (letter, 1, "victim", "vetted")
    assert (held.received, held.vetted) == ("Dear Sam, write to HP20 1AA. Alex", "Dear Sam. Alex")
    [carried] = view.messages
    assert (carried.direction, carried.medium, carried.summary) == ("offender_to_victim", "spoken", "I am sorry")
    assert view.conferences == {examples.CONFERENCE: examples.NOW + timedelta(days=7)}
    assert view.reparation_items[item].kind == "apology" and view.reparation_items[item].description == "A letter"
    reparation = next(d for d in view.deadlines if d.phrase.msgid == REPARATION)
    assert reparation.what == "reparation: apology" and reparation.phrase.fields == {"kind": "apology"}
    contact = next(t for t in view.timeline if t.event_type == "RiskAssessmentCompleted")
    assert contact.summary == contact.phrase.english() and contact.phrase.msgid == PHRASES[e.RiskAssessmentCompleted]
    assert set(contact.phrase.fields) == {"party", "level", "review_date"}  # only what the phrase names

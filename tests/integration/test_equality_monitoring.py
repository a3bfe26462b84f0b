"""Equality monitoring on the real engines (docs/decisions/0006): a facilitator records a party's
answers through the API; every answer is sealed in the store's rows and on the broker; casework
counts an ended quarter (never the current one), publishes the counts alone, and publishes a recount
only when it differs; supervisors may ask for a count, facilitators may not."""

from __future__ import annotations

import json
from datetime import timedelta

import nats
import pytest

from services.casework.handlers.equality import count_ended_quarters, tally_stream
from services.casework.projections import EQUALITY_DECISIONS
from services.casework.projections.equality_decisions import DecidedCases
from services.reporting.projections.equality_tallies import quarter_tally
from shared.contracts.casework.equality import QUESTIONS
from shared.envelope import open_event
from shared.messaging.broker import STREAM
from shared.periods import Quarter, london_date
from tests.casework_system import casework_system
from tests.servers import serve
from tests.support import eventually

ANSWERS = {"age_band": "45_54", "sex": "male", "ethnicity": "mixed", "disability": "prefer_not_to_say"}


@pytest.fixture
async def system(fresh_database_url, clean_nats_url):
    async with casework_system(fresh_database_url, clean_nats_url) as (running, _):
        yield running


async def a_case_with_decisions(system) -> str:
    """The victim answers and takes part; the offender declines without answering."""
    case_id = (await system.case_of((await system.refer())["referral_id"]))["case_id"]
    for action, body, who in (
            ("triage-case", {}, "sam.supervisor"), ("allocate-facilitator", {"facilitator": "ada.advanced"},
                                                    "sam.supervisor"),
            ("record-contact-attempt", {"party": "victim", "channel": "phone", "outcome": "reached"}, "ada.advanced"),
            ("record-equality-monitoring", {"party": "victim", **ANSWERS}, "ada.advanced"),
            ("confirm-victim-interest", {}, "ada.advanced"),
            ("give-consent", {"party": "victim", "scope": "participation", "form": "written"}, "ada.advanced"),
            ("record-offender-declined", {}, "ada.advanced")):
        answer = await system.act(case_id, action, body, who)
        assert answer.status_code == 200, f"{action}: {answer.text}"
    return case_id


async def test_answers_are_sealed_in_the_store_and_on_the_broker_and_read_back_by_the_facilitator(
        system, clean_nats_url):
    case_id = await a_case_with_decisions(system)
    pool = system.runtime.pool
    [row] = await pool.fetch("SELECT data FROM eventstore.events WHERE event_type = 'EqualityMonitoringRecorded'")
    stored = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"])
    assert stored["party"] == "victim"
    assert all(stored[q].get("$sealed") == 1 for q in QUESTIONS), stored
    assert len({len(stored[q]["ct"]) for q in QUESTIONS}) == 1  # padded: no answer told by its length

    client = await nats.connect(clean_nats_url)
    try:
        js = client.jetstream()
        last = (await js.stream_info(STREAM)).state.last_seq

        async def published():
            messages = [json.loads((await js.get_msg(STREAM, seq=n)).data) for n in range(1, last + 1)]
            return [m for m in messages if m.get("type", "").endswith("EqualityMonitoringRecorded")]
        [message] = await eventually(published)
    finally:
        await client.close()
    assert all(message["data"][q].get("$sealed") == 1 for q in QUESTIONS) and "mixed" not in json.dumps(message)

    seen = await system.casework.get(f"/api/v1/cases/{case_id}", headers=await system.as_("ada.advanced"))
    assert any(entry["event_type"] == "EqualityMonitoringRecorded" for entry in seen.json()["timeline"])


async def test_an_ended_quarter_is_counted_once_and_recounted_only_when_it_differs(
        system, fresh_database_url, clean_nats_url):
    async with serve("reporting", fresh_database_url, clean_nats_url) as (_, reporting):
        await counted_and_recounted(system, reporting.state.runtime.pool)


async def counted_and_recounted(system, reporting_pool) -> None:
    case_id = await a_case_with_decisions(system)
    runtime, deps = system.runtime, system.runtime.dependencies
    decided = DecidedCases(runtime.pool)
    await eventually(lambda: runtime.caught_up(EQUALITY_DECISIONS.name), timeout=30)
    await eventually(decided.quarters)
    this_quarter = Quarter.of(london_date(deps.clock()))
    after = deps.clock() + timedelta(days=95)  # the quarter has ended

    assert await count_ended_quarters(deps, decided, deps.clock()) == []  # the current quarter is never counted
    assert await count_ended_quarters(deps, decided, after) == [this_quarter.key]
    assert await count_ended_quarters(deps, decided, after) == []  # the same count again: nothing new

    [recorded] = await deps.store.read_stream(tally_stream(this_quarter))
    tallied = (await open_event(recorded, None)).event
    counts = {(c.party, c.decision, c.question, c.answer): c.people for c in tallied.counts}
    assert tallied.decided == 2 and tallied.quarter == this_quarter.key
    assert counts == {**{("victim", "took_part", q, a): 1 for q, a in ANSWERS.items()},
                      **{("offender", "declined", q, "not_recorded"): 1 for q in QUESTIONS}}
    assert str(case_id) not in recorded.data.__repr__() and "subject" not in json.dumps(recorded.data)

    async def reported(people: int):  # reporting keeps the latest tally, from the broker
        kept = await quarter_tally(reporting_pool, this_quarter)
        return kept is not None and sum(c.people for c in kept.counts if c.answer != "not_recorded") == people
    await eventually(lambda: reported(4), timeout=30)

    answer = await system.act(case_id, "record-equality-monitoring", {"party": "offender", **ANSWERS}, "ada.advanced")
    assert answer.status_code == 200, answer.text
    assert await count_ended_quarters(deps, decided, after) == [this_quarter.key]  # the offender now answered
    assert len(await deps.store.read_stream(tally_stream(this_quarter))) == 2
    await eventually(lambda: reported(8), timeout=30)  # the recount replaced the first tally


async def test_supervisors_may_ask_for_a_count_and_facilitators_may_not(system):
    await a_case_with_decisions(system)
    refused = await system.casework.post("/api/v1/equality/tallies", headers=await system.as_("ada.advanced"))
    assert refused.status_code == 403
    counted = await system.casework.post("/api/v1/equality/tallies", headers=await system.as_("sam.supervisor"))
    assert counted.status_code == 200 and counted.json()["published"] == []  # only this quarter has decisions
    assert (await system.casework.post("/api/v1/equality/tallies")).status_code == 401

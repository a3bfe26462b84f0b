"""Reporting keeps the latest tally of each quarter: a recount replaces it entirely, and an older
tally delivered again (or late) changes nothing — on a real PostgreSQL and event store; the page and
the return show the kept tally, suppressed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl

from services.reporting.projections import EQUALITY_TALLIES
from services.reporting.projections.equality_tallies import quarter_tally
from shared.contracts.casework import EqualityMonitoringTallied, TallyCount
from shared.envelope import Cause, new_event, open_event
from shared.eventstore.port import Actor
from shared.periods import Quarter
from shared.projections.apply import apply_once
from tests.integration.conftest import runtime_for
from tests.integration.test_staff_pages import PASSWORD, browser
from tests.servers import serve

Q3 = Quarter.parse("2026-Q3")
CASEWORK = Cause.fresh(Actor("service", "casework", "system"))


def tallied(counted_on: int, *counts: tuple[str, str, str, str, int]) -> EqualityMonitoringTallied:
    return EqualityMonitoringTallied(
        quarter=Q3.key, starts_on=Q3.start, ends_on=Q3.end, counted_at=datetime(2026, 10, counted_on, 3, tzinfo=UTC),
        decided=sum(c[-1] for c in counts) // 4,
        counts=tuple(TallyCount(party=p, decision=d, question=q, answer=a, people=n) for p, d, q, a, n in counts))


FIRST = tallied(1, ("victim", "took_part", "sex", "female", 6), ("victim", "took_part", "age_band", "18_24", 6),
                ("victim", "took_part", "ethnicity", "white", 6), ("victim", "took_part", "disability", "no", 6))
RECOUNT = tallied(2, ("victim", "took_part", "sex", "female", 5), ("victim", "took_part", "sex", "not_recorded", 1),
                  ("victim", "took_part", "age_band", "18_24", 6), ("victim", "took_part", "ethnicity", "white", 6),
                  ("victim", "took_part", "disability", "no", 6))


async def test_a_recount_replaces_the_tally_and_an_older_one_redelivered_is_ignored(fresh_database_url):
    runtime = runtime_for("reporting", fresh_database_url, "nats://127.0.0.1:1")  # no broker: applied by hand
    await runtime.open()
    try:
        stream = f"equality-{Q3.key}"
        for version, event in enumerate((FIRST, RECOUNT)):
            await runtime.store.append(stream, [await new_event(event, CASEWORK, None)], version - 1)
        first, recount = [await open_event(r, None) for r in await runtime.store.read_stream(stream)]
        assert (first.recorded.stream_version, recount.recorded.stream_version) == (0, 1)
        assert await quarter_tally(runtime.pool, Q3) is None  # not yet counted

        async def kept() -> tuple:
            tally = await quarter_tally(runtime.pool, Q3)
            version = await runtime.pool.fetchval("SELECT version FROM reporting.equality_tallies")
            people = {(c.question, c.answer): c.people for c in tally.counts}
            return version, tally.counted_at.day, people

        async with runtime.pool.acquire() as conn:
            assert await apply_once(conn, runtime.schema, EQUALITY_TALLIES, first)
            assert await kept() == (0, 1, {("sex", "female"): 6, ("age_band", "18_24"): 6, ("ethnicity", "white"): 6,
                                           ("disability", "no"): 6})
            assert await apply_once(conn, runtime.schema, EQUALITY_TALLIES, recount)
            replaced = await kept()
            assert replaced[:2] == (1, 2) and replaced[2][("sex", "female")] == 5
            assert replaced[2][("sex", "not_recorded")] == 1
            assert not await apply_once(conn, runtime.schema, EQUALITY_TALLIES, first)  # the inbox knows it
            # Past the inbox (a rebuild's replay, a delivery under another event id) the projection decides:
            # the older tally changes nothing, and nor does the kept one applied again.
            for again in (first, recount):
                async with conn.transaction():
                    await conn.execute(f"SET LOCAL search_path TO {runtime.schema}")
                    await EQUALITY_TALLIES.apply(conn, again)
                assert await kept() == replaced
            assert await conn.fetchval("SELECT count(*) FROM reporting.equality_counts") == 5
        assert (await quarter_tally(runtime.pool, Q3.previous())) is None
        assert date(2026, 10, 2) == (await quarter_tally(runtime.pool, Q3)).counted_at.date()
    finally:
        await runtime.pool.close()


async def test_the_page_and_the_return_show_the_kept_tally_suppressed(fresh_database_url, clean_nats_url):
    async with serve("reporting", fresh_database_url, clean_nats_url) as (base, app):
        runtime = app.state.runtime
        await runtime.identity.accounts.add("cora.commissioner", PASSWORD, role="commissioner")
        stream = f"equality-{Q3.key}"
        for version, event in enumerate((FIRST, RECOUNT)):  # casework's relay is not running: applied by hand
            await runtime.store.append(stream, [await new_event(event, CASEWORK, None)], version - 1)
        async with runtime.pool.acquire() as conn:
            for recorded in await runtime.store.read_stream(stream):
                await apply_once(conn, runtime.schema, EQUALITY_TALLIES, await open_event(recorded, None))

        async with browser(base, "cora.commissioner") as cora:
            page = (await cora.get("/reports", params={"quarter": Q3.key})).text
            assert "People counted by sex, July to September 2026" in page
            assert "Counted by casework on 2 October 2026" in page
            assert "Offenders who declined" in page and "18 to 24" in page and "filters do not apply" not in page
            filtered = (await cora.get("/reports", params={"quarter": Q3.key, "area": "Oxfordshire"})).text
            assert "The area and source filters do not apply" in filtered
            earlier = (await cora.get("/reports", params={"quarter": Q3.previous().key})).text
            assert "Not yet counted: casework counts a quarter after it has ended." in earlier

            # 5 women and 1 not recorded of 6 victims who took part: the 1 is "<5", and the 5 would tell it.
            key = ("Equality monitoring", "Sex", "Female: victims who took part", Q3.key)
            answer = await cora.get("/api/v1/reports/quarterly", params={"quarter": Q3.key})
            rows = {(r["section"], r["measure"], r["breakdown"], r["period"]): r["value"]
                    for r in answer.json()["rows"]}
            assert rows[key] == "suppressed" and rows[(*key[:2], "Not recorded: total", Q3.key)] == "<5"
            assert rows[(*key[:2], "All answers: victims who took part", Q3.key)] == 6
            as_csv = await cora.get("/api/v1/reports/quarterly", params={"quarter": Q3.key, "format": "csv"})
            cells = {tuple(r[:4]): r[4] for r in csv.reader(io.StringIO(as_csv.text))}
            assert cells[key] == "suppressed"
            assert cells[(*key[:2], "Not recorded: victims who took part", Q3.key)] == "<5"
            as_xlsx = await cora.get("/api/v1/reports/quarterly", params={"quarter": Q3.key, "format": "xlsx"})
            sheet = [tuple(r) for r in openpyxl.load_workbook(io.BytesIO(as_xlsx.content), read_only=True)[
                "Return"].iter_rows(values_only=True)]
            assert (*key, "suppressed", "people") in sheet
            assert (*key[:2], "All answers: total", Q3.key, 6, "people") in sheet

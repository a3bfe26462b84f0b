"""The quarterly return: the quarter's cohort, every figure as a row, small numbers as "<5"."""

from __future__ import annotations

from services.reporting.domain.quarterly_return import document, lines
from services.reporting.domain.report import figures
from shared.periods import Quarter
from tests.unit.reporting.scenario import at, case, follow_up

Q3 = Quarter.parse("2026-Q3")


def cohort():
    police = [case(at(2026, 7, d, 10), source="police", acknowledged_at=at(2026, 7, d + 1, 10)) for d in range(1, 7)]
    others = [case(at(2026, 8, 3, 10), source="self", area="Oxfordshire"),
              case(at(2026, 6, 30, 10), source="self")]  # Q2: not in the return
    return police + others


def test_the_return_counts_the_quarter_and_shows_small_numbers_as_under_five():
    made = figures(cohort(), [follow_up(at(2026, 8, 1, 10), satisfied=True)], None, Q3)
    rows = {(r.section, r.measure, r.breakdown, r.period): r.value for r in lines(made)}
    assert made.received == 7
    # 6 police and 1 self-referral of 7: showing the 6 would tell the 1, so it is withheld too.
    assert rows[("Volume", "Source", "police", "2026-Q3")] == "suppressed"
    assert rows[("Volume", "Source", "police", "2026-07")] == "suppressed"
    assert rows[("Volume", "Source", "self", "2026-Q3")] == "<5"
    assert rows[("Volume", "Source", "All referrals", "2026-Q3")] == 7
    assert rows[("Volume", "Area", "Buckinghamshire", "2026-Q3")] == "suppressed"  # 6 of 7, the rest 1
    assert rows[("Timeliness", "Acknowledgement", "cases measured", "2026-Q3")] == 6
    assert rows[("Timeliness", "Acknowledgement", "median", "2026-Q3")] == 1.0
    assert rows[("Timeliness", "Acknowledgement", "within 2 working days", "2026-Q3")] == 100.0
    assert rows[("Timeliness", "Closure", "median", "2026-Q3")] is None
    assert rows[("Outcomes", "Satisfied with the service", "Victims: yes", "2026-Q3")] in ("<5", "suppressed")
    assert rows[("Equality monitoring", "Ethnicity", "", "2026-Q3")] == "not yet counted"  # no tally yet
    assert not any(isinstance(v, int) and 0 < v < 5 for v in rows.values())


def test_filters_keep_one_area_or_source_and_follow_ups_of_its_cases():
    facts = cohort()
    surveys = [follow_up(at(2026, 8, 1, 10), satisfied=True, area="Buckinghamshire", source="police"),
               follow_up(at(2026, 8, 2, 10), satisfied=True, area="Oxfordshire", source="self")]
    made = figures(facts, surveys, None, Q3, area="Oxfordshire")
    assert made.received == 1 and [(a.yes, a.answered) for a in made.outcomes if a.question == "satisfied"] == [
        (1, 1), (0, 0), (1, 1)]
    police = figures(facts, surveys, None, Q3, source="police")
    assert police.received == 6 and sum(a.answered for a in police.outcomes if a.party == "all") == 1


def test_the_json_document_carries_the_definitions_and_the_rule():
    body = document(figures(cohort(), [], None, Q3))
    assert body["quarter"] == "2026-Q3" and "'<5'" in body["suppression"]
    assert {d["name"] for d in body["definitions"]} >= {"Referrals received", "Timeliness", "Funnel", "Outcomes",
                                                          "Equality monitoring"}
    assert body["columns"] == ["section", "measure", "breakdown", "period", "value", "unit"]
    assert all(set(row) == set(body["columns"]) for row in body["rows"])

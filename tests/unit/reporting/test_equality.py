"""Equality monitoring: casework's tally of a quarter as one table per question, in the contract's
answer order, with totals, small numbers as "<5" and what would give them away suppressed too."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.reporting.domain.equality import ANSWER_LABELS, ANSWERS, QUESTIONS, Tally, as_shown, equality, table
from services.reporting.domain.quarterly_return import lines
from services.reporting.domain.report import figures
from shared.contracts.casework import TallyCount
from shared.periods import Quarter

Q3 = Quarter.parse("2026-Q3")
COUNTED = datetime(2026, 10, 1, 3, 0, tzinfo=UTC)


def n(party: str, decision: str, question: str, answer: str, people: int) -> TallyCount:
    return TallyCount(party=party, decision=decision, question=question, answer=answer, people=people)


# 15 victims took part, 6 declined; 9 offenders took part, 5 declined.
ETHNICITY = (n("victim", "took_part", "ethnicity", "white", 12), n("victim", "took_part", "ethnicity", "asian", 3),
             n("victim", "declined", "ethnicity", "white", 6), n("offender", "took_part", "ethnicity", "white", 7),
             n("offender", "took_part", "ethnicity", "not_recorded", 2),
             n("offender", "declined", "ethnicity", "black", 5))
TALLY = Tally("2026-Q3", COUNTED, ETHNICITY)


def test_a_question_is_a_table_of_every_answer_by_party_and_decision_with_totals():
    made = table(ETHNICITY, "ethnicity")
    assert [(r.answer, r.people, r.total) for r in made.rows] == [
        ("asian", (3, 0, 0, 0), 3), ("black", (0, 0, 0, 5), 5), ("mixed", (0, 0, 0, 0), 0),
        ("white", (12, 6, 7, 0), 25), ("other_ethnic_group", (0, 0, 0, 0), 0),
        ("prefer_not_to_say", (0, 0, 0, 0), 0), ("not_recorded", (0, 0, 2, 0), 2)]
    assert (made.total.answer, made.total.people, made.total.total) == ("All answers", (15, 6, 9, 5), 35)


def test_small_counts_are_under_five_and_those_that_would_give_them_away_are_suppressed():
    shown = {answer: (by_column, total) for answer, by_column, total in as_shown(table(ETHNICITY, "ethnicity"))}
    assert shown["asian"] == (["<5", 0, 0, 0], "<5")
    assert shown["not_recorded"] == ([0, 0, "<5", 0], "<5")
    # 3 of the 15 victims who took part and 2 of the 9 offenders would be told by 15 - 12 and 9 - 7.
    assert shown["white"] == (["suppressed", 6, "suppressed", 0], 25)
    assert shown["black"] == ([0, 0, 0, 5], 5)
    assert shown["All answers"] == ([15, 6, 9, 5], 35)


def test_the_answers_come_in_the_contracts_order_then_not_recorded_and_a_new_one_before_it():
    assert [r.answer for r in table((), "age_band").rows] == [
        "under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "prefer_not_to_say", "not_recorded"]
    assert [r.answer for r in table((), "sex").rows] == ["female", "male", "prefer_not_to_say", "not_recorded"]
    assert [r.answer for r in table((), "disability").rows] == ["yes", "no", "prefer_not_to_say", "not_recorded"]
    later = table([n("victim", "declined", "sex", "intersex", 5)], "sex")
    assert [r.answer for r in later.rows][-2:] == ["intersex", "not_recorded"] and later.total.total == 5
    assert all(answer in ANSWER_LABELS for answers in ANSWERS.values() for answer in answers)
    assert ANSWER_LABELS["65_plus"] == "65 and over" and ANSWER_LABELS["not_recorded"] == "Not recorded"


def test_the_return_has_a_line_per_answer_and_column_with_totals():
    made = figures([], [], TALLY, Q3)
    rows = {(r.measure, r.breakdown): (r.value, r.unit) for r in lines(made) if r.section == "Equality monitoring"}
    assert rows[("Ethnicity", "White: victims who took part")] == ("suppressed", "people")
    assert rows[("Ethnicity", "White: victims who declined")] == (6, "people")
    assert rows[("Ethnicity", "Asian, Asian British or Asian Welsh: total")] == ("<5", "people")
    assert rows[("Ethnicity", "Black, Black British, Black Welsh, Caribbean or African: offenders who declined")] == (
        5, "people")
    assert rows[("Ethnicity", "Not recorded: offenders who took part")] == ("<5", "people")
    assert rows[("Ethnicity", "All answers: total")] == (35, "people")
    assert rows[("Age band", "65 and over: total")] == (0, "people")  # nobody answered it in this tally
    # (9 + 4 + 7 + 4 answers, each with an "All answers" row) x (4 columns and a total)
    assert len(rows) == (10 + 5 + 8 + 5) * 5
    assert not any(isinstance(v, int) and 0 < v < 5 for v, _ in rows.values())


def test_before_casework_has_counted_the_quarter_the_return_says_so_and_filters_do_not_apply():
    made = figures([], [], None, Q3)
    assert made.equality is None
    assert [(r.measure, r.value) for r in lines(made) if r.section == "Equality monitoring"] == [
        ("Age band", "not yet counted"), ("Sex", "not yet counted"), ("Ethnicity", "not yet counted"),
        ("Disability", "not yet counted")]
    filtered = [r for r in lines(figures([], [], TALLY, Q3, area="Oxfordshire")) if r.section == "Equality monitoring"]
    assert filtered[0].value == "whole service"
    assert ("Ethnicity", "All answers: total", 35) in [(r.measure, r.breakdown, r.value) for r in filtered]
    with pytest.raises(ValueError, match="2026-Q2"):
        figures([], [], Tally("2026-Q2", COUNTED, ()), Q3)


counts = st.lists(st.sampled_from(QUESTIONS).flatmap(lambda question: st.builds(
    n, st.sampled_from(("victim", "offender")), st.sampled_from(("took_part", "declined")), st.just(question),
    st.sampled_from(ANSWERS[question]), st.integers(1, 40))), max_size=40)


@given(counts)
def test_every_row_total_is_the_sum_of_its_columns_and_the_total_row_the_sum_of_the_rows(tallied):
    made = equality(Tally("2026-Q3", COUNTED, tuple(tallied)))
    for each in made.tables:
        for row in (*each.rows, each.total):
            assert row.total == sum(row.people)
        assert each.total.people == tuple(sum(r.people[c] for r in each.rows) for c in range(4))
        assert each.total.total == sum(c.people for c in tallied if c.question == each.question)
        assert not any(isinstance(v, int) and 0 < v < 5 for _, cells, total in as_shown(each) for v in (*cells, total))


COLUMN_PEOPLE = st.sampled_from([("victim", "took_part"), ("victim", "declined"), ("offender", "took_part"),
                                 ("offender", "declined")])
PERSON = st.tuples(COLUMN_PEOPLE, *[st.sampled_from(ANSWERS[q]) for q in QUESTIONS])


@given(st.lists(PERSON, max_size=40))
def test_the_tables_share_one_total_row_so_a_total_hidden_in_one_is_hidden_in_all(people):
    """Each question counts everyone once: a total hidden in one table and shown in another is no secret."""
    counted: dict[tuple, int] = {}
    for (party, decision), *answers in people:
        for question, answer in zip(QUESTIONS, answers, strict=True):
            key = (party, decision, question, answer)
            counted[key] = counted.get(key, 0) + 1
    made = equality(Tally("2026-Q3", COUNTED, tuple(n(*key, people) for key, people in counted.items())))
    totals = {tuple(map(str, [*as_shown(t, made.hidden_totals)[-1][1], as_shown(t, made.hidden_totals)[-1][2]]))
              for t in made.tables}
    assert len(totals) == 1


def test_a_total_one_table_hides_is_hidden_in_every_table():
    """Disability: 2 "no" and 3 "yes" among the 5 victims who took part are "<5", so the "no" row
    hides its 6 who declined too, and then the 6 victims who declined in all; the age table would
    show that 6 — and with it the hidden cell. Shared, no table shows it."""
    counts = (n("victim", "took_part", "age_band", "under_18", 5), n("victim", "declined", "age_band", "under_18", 6),
              n("victim", "took_part", "sex", "male", 2), n("victim", "took_part", "sex", "female", 3),
              n("victim", "declined", "sex", "male", 3), n("victim", "declined", "sex", "female", 3),
              n("victim", "took_part", "ethnicity", "asian", 5), n("victim", "declined", "ethnicity", "black", 3),
              n("victim", "declined", "ethnicity", "asian", 3),
              n("victim", "took_part", "disability", "no", 2), n("victim", "took_part", "disability", "yes", 3),
              n("victim", "declined", "disability", "no", 6))
    made = equality(Tally("2026-Q3", COUNTED, counts))
    age, *_, disability = made.tables
    assert as_shown(disability)[-1][1][1] == "suppressed" and as_shown(age)[-1][1][1] == 6  # alone: a leak
    assert 1 in made.hidden_totals
    assert {as_shown(t, made.hidden_totals)[-1][1][1] for t in made.tables} == {"suppressed"}

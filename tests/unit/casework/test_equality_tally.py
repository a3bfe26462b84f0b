"""Counting a quarter's equality monitoring (docs/decisions/0006): who is counted, by which
answers, and the tally's shape — all pure, on events made here."""

from __future__ import annotations

import random
from datetime import datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from services.casework.domain.equality import Counted, counted_in, ended_quarters, tally
from shared.contracts import casework as e
from shared.contracts.casework.equality import NOT_RECORDED, QUESTIONS
from shared.periods import Quarter

LONDON = ZoneInfo("Europe/London")
CASE = uuid4()
Q3 = Quarter(2026, 3)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def answers(party: str, **given_answers: str) -> e.EqualityMonitoringRecorded:
    chosen = {"age_band": "25_34", "sex": "female", "ethnicity": "white", "disability": "no", **given_answers}
    return e.EqualityMonitoringRecorded(case_id=CASE, subject_id=uuid4(), party=party, **chosen)


def consent(party: str, scope: str = "participation") -> e.ConsentGiven:
    return e.ConsentGiven(case_id=CASE, consent_id=uuid4(), party=party, scope=scope, form="written")


def test_each_party_is_counted_by_their_latest_decision_in_the_quarter_and_latest_answers_by_its_end():
    counted = counted_in(Q3, [
        (at(2026, 6, 30, 23, 30), e.VictimDeclined(case_id=CASE)),          # Q2: not this quarter's decision
        (at(2026, 7, 2), answers("victim", sex="male")),
        (at(2026, 8, 1), answers("victim", sex="prefer_not_to_say")),      # the later answers stand
        (at(2026, 8, 2), consent("victim", "information_sharing")),        # not consent to take part
        (at(2026, 8, 3), e.OffenderDeclined(case_id=CASE)),
        (at(2026, 9, 1), consent("offender")),                             # the offender changed their mind
        (at(2026, 9, 2), consent("victim")),
        (at(2026, 10, 1, 0, 30), answers("offender")),                     # after the quarter: not on record
    ])
    assert counted == [Counted("offender", "took_part", None),
                       Counted("victim", "took_part", {"age_band": "25_34", "sex": "prefer_not_to_say",
                                                       "ethnicity": "white", "disability": "no"})]


def test_the_quarter_ends_at_midnight_in_london_not_utc():
    # 23:30 on 30 September in London is 22:30 UTC: still Q3. 00:30 on 1 October London is 23:30 UTC: Q4.
    late = counted_in(Q3, [(at(2026, 9, 30, 23, 30), e.VictimDeclined(case_id=CASE))])
    early = counted_in(Q3, [(at(2026, 10, 1, 0, 30), e.VictimDeclined(case_id=CASE))])
    assert late == [Counted("victim", "declined", None)] and early == []


def test_answers_whose_key_was_erased_count_as_not_recorded():
    erased = answers("victim").model_copy(update={"sex": "[erased]", "age_band": "[erased]"})
    counted = counted_in(Q3, [(at(2026, 7, 1), erased), (at(2026, 7, 2), e.VictimDeclined(case_id=CASE))])
    assert counted == [Counted("victim", "declined", None)]
    assert {(c.question, c.answer) for c in tally(counted)} == {(q, NOT_RECORDED) for q in QUESTIONS}


def test_a_small_tally_by_hand():
    counted = [Counted("victim", "took_part", {"age_band": "18_24", "sex": "male", "ethnicity": "black",
                                                "disability": "yes"}),
               Counted("victim", "took_part", {"age_band": "18_24", "sex": "female", "ethnicity": "black",
                                                "disability": "no"}),
               Counted("offender", "declined", None)]
    counts = {(c.party, c.decision, c.question, c.answer): c.people for c in tally(counted)}
    assert counts == {
        ("victim", "took_part", "age_band", "18_24"): 2, ("victim", "took_part", "sex", "male"): 1,
        ("victim", "took_part", "sex", "female"): 1, ("victim", "took_part", "ethnicity", "black"): 2,
        ("victim", "took_part", "disability", "yes"): 1, ("victim", "took_part", "disability", "no"): 1,
        **{("offender", "declined", q, NOT_RECORDED): 1 for q in QUESTIONS},
    }


PEOPLE = st.builds(Counted, party=st.sampled_from(("victim", "offender")),
                   decision=st.sampled_from(("took_part", "declined")),
                   answers=st.none() | st.fixed_dictionaries({
                       "age_band": st.sampled_from(("under_18", "65_plus", "prefer_not_to_say")),
                       "sex": st.sampled_from(("female", "male")),
                       "ethnicity": st.sampled_from(("asian", "white", "other_ethnic_group")),
                       "disability": st.sampled_from(("yes", "no"))}))


@given(st.lists(PEOPLE, max_size=60), st.randoms())
def test_every_question_counts_everyone_once_and_order_does_not_change_the_tally(people, rnd: random.Random):
    counts = tally(people)
    for party in ("victim", "offender"):
        for decision in ("took_part", "declined"):
            deciding = sum(p.party == party and p.decision == decision for p in people)
            for question in QUESTIONS:
                assert sum(c.people for c in counts if (c.party, c.decision, c.question) ==
                           (party, decision, question)) == deciding
    shuffled = list(people)
    rnd.shuffle(shuffled)
    assert tally(shuffled) == counts and all(c.people >= 1 for c in counts)


def test_only_ended_quarters_are_counted():
    now = at(2026, 10, 1, 0, 30)  # in London, Q4 has begun
    quarters = [Quarter(2026, 4), Quarter(2026, 3), Quarter(2025, 1), Quarter(2026, 3)]
    assert ended_quarters(quarters, now) == [Quarter(2025, 1), Quarter(2026, 3)]
    assert ended_quarters(quarters, at(2026, 9, 30, 23, 59)) == [Quarter(2025, 1)]

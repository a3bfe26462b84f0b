"""The funnel with drop-out by closure reason, the follow-up outcomes, and the quality shares."""

from __future__ import annotations

from services.reporting.domain.funnel import funnel, outcomes_shown
from services.reporting.domain.outcomes import outcomes
from services.reporting.domain.quality import quality
from tests.unit.reporting.scenario import at, case, follow_up

DONE = dict(contacted=True, victim_consented=True, offender_traced=True, offender_consented=True)


def scenario():
    return [
        case(at(2026, 7, 1, 9), **DONE, delivered_direct=True, agreement=True, agreement_completed=True,
             delivered_at=at(2026, 8, 1, 10), victim_risk_assessed_at=at(2026, 7, 10, 10),
             offender_risk_assessed_at=at(2026, 7, 12, 10), victim_written_consent=True,
             offender_written_consent=True, sensitive=True, signed_off=True,
             closed_at=at(2026, 9, 1, 10), closure_reason="completed_direct"),
        case(at(2026, 7, 2, 9), **DONE, delivered_indirect=True, agreement=True,
             delivered_at=at(2026, 8, 2, 10), victim_risk_assessed_at=at(2026, 8, 3, 10),  # assessed too late
             offender_risk_assessed_at=at(2026, 7, 12, 10), victim_written_consent=True),
        case(at(2026, 7, 3, 9), contacted=True, victim_consented=True, offender_traced=True,
             closed_at=at(2026, 8, 1, 10), closure_reason="offender_declined_or_withdrew", sensitive=True),
        # The withdrawn case: the victim was reached, then withdrew.
        case(at(2026, 7, 4, 9), contacted=True, withdrawn_at=at(2026, 7, 6, 10),
             closed_at=at(2026, 7, 7, 10), closure_reason="victim_withdrew_or_declined"),
        case(at(2026, 7, 5, 9), closed_at=at(2026, 7, 20, 10), closure_reason="no_contact"),
        case(at(2026, 7, 6, 9)),
    ]


def test_the_funnel_counts_how_far_each_case_got_and_why_the_closed_ones_stopped():
    made = funnel(scenario())
    assert {stage.key: n for stage, n in made.stages} == {
        "referred": 6, "contacted": 4, "victim_consented": 3, "offender_traced": 3, "offender_consented": 2,
        "delivered_direct": 1, "delivered_indirect": 1, "agreement": 2, "agreement_completed": 1}
    closed = {reason: n for reason, _, n in made.closures}
    assert closed["completed_direct"] == 1 and closed["victim_withdrew_or_declined"] == 1
    assert closed["offender_declined_or_withdrew"] == 1 and closed["no_contact"] == 1
    assert sum(closed.values()) == 4 and made.still_open == 2 and made.withdrawn_referrals == 1


def test_one_small_closure_count_cannot_be_worked_out_from_the_cases_referred():
    # 9 cases: 1 victim declined (hidden), 8 still open; referred (9) is shown among the stages,
    # so 9 - 8 would tell the 1: "still open" is hidden too.
    facts = [case(at(2026, 7, 1, 9), closed_at=at(2026, 7, 2, 9), closure_reason="victim_withdrew_or_declined")]
    facts += [case(at(2026, 7, day, 9)) for day in range(2, 10)]
    shown = dict(outcomes_shown(funnel(facts)))
    assert shown["Victim withdrew or declined"] == "<5" and shown["Still open"] == "suppressed"
    assert shown["No contact"] == 0


def test_quality_shares_count_only_the_cases_each_applies_to():
    found = {q.measure.key: (q.met, q.cases) for q in quality(scenario())}
    assert found == {"risk_assessed_before_joint_contact": (1, 2), "written_consent": (1, 2),
                     "sensitive_signed_off": (1, 2)}


def test_outcomes_count_yes_of_those_who_answered_each_question():
    surveys = [follow_up(at(2026, 8, 1, 10), satisfied=True, would_recommend=True, feels_safer=True)
               for _ in range(5)]
    surveys += [follow_up(at(2026, 8, 2, 10), satisfied=False, would_recommend=None, better_able_to_cope=True),
                follow_up(at(2026, 8, 3, 10), party="offender", satisfied=True)]
    found = {(a.party, a.question): (a.yes, a.answered) for a in outcomes(surveys)}
    assert found[("victim", "satisfied")] == (5, 6)  # 83.3%: under the 85% benchmark
    assert found[("victim", "would_recommend")] == (5, 5)
    assert found[("victim", "better_able_to_cope")] == (1, 1)
    assert found[("offender", "satisfied")] == (1, 1)
    assert found[("all", "satisfied")] == (6, 7)
    assert found[("all", "feels_safer")] == (5, 5)

"""Every row of the rules table: given an event, the timers it sets (who, which template, when)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.notifications.domain.decide import decide_event
from services.notifications.domain.rules import RULES, is_sensitive
from services.notifications.domain.timers import Watch, evolve
from shared.workingdays import LONDON
from tests.unit.notifications.examples import (
    CONFERENCE,
    EVENT_ID,
    MONDAY,
    REFERRER,
    VICTIM,
    allocated,
    cancelled,
    reassigned,
    received,
    reparation,
    rescheduled,
    scheduled,
)


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def fired_by(event, watch: Watch | None = None) -> set[tuple[str, str, str | None, datetime]]:
    return {(t.rule.recipient, t.rule.template, t.recipient_id, t.due_at)
            for t in decide_event(event, EVENT_ID, MONDAY, watch)}


EXPECTED = [
    ("self-referral", received("self"), {
        ("victim", "acknowledgement_to_victim", str(VICTIM), MONDAY),
        ("facilitator", "first_contact_reminder", None, london(2026, 10, 6, 9, 0)),
        ("supervisor", "deadline_missed", None, london(2026, 10, 7, 10, 0))}),
    ("agency referral", received("police"), {
        ("referrer", "acknowledgement_to_agency", str(REFERRER), MONDAY),
        ("facilitator", "first_contact_reminder", None, london(2026, 10, 6, 9, 0)),
        ("supervisor", "deadline_missed", None, london(2026, 10, 7, 10, 0))}),
    ("allocation", allocated(), {
        ("facilitator", "case_allocated", "ada", MONDAY),
        ("facilitator", "case_allocated", "finn", MONDAY),
        ("victim", "facilitator_allocated", None, MONDAY)}),
    ("reassignment", reassigned(), {("facilitator", "case_allocated", "bea", MONDAY),
                                    ("victim", "facilitator_allocated", None, MONDAY)}),
    ("conference scheduled", scheduled(), {
        ("participant", "conference_scheduled", "victim", MONDAY),
        ("participant", "conference_scheduled", "offender", MONDAY),
        ("participant", "conference_reminder", "victim", london(2026, 10, 19, 9, 0)),
        ("participant", "conference_reminder", "offender", london(2026, 10, 19, 9, 0))}),
    ("reparation agreed", reparation(date(2026, 11, 2), date(2026, 11, 10)), {
        ("facilitator", "reparation_item_due", None, london(2026, 10, 30, 9, 0)),
        ("facilitator", "reparation_item_due", None, london(2026, 11, 9, 9, 0))}),
]


@pytest.mark.parametrize(("event", "expected"), [case[1:] for case in EXPECTED], ids=[c[0] for c in EXPECTED])
def test_an_event_sets_a_timer_for_each_of_its_rows(event, expected):
    assert fired_by(event) == expected


def test_a_moved_or_cancelled_conference_tells_the_participants_it_was_scheduled_for():
    watch = evolve(Watch(), scheduled(), EVENT_ID)
    moved = fired_by(rescheduled(london(2026, 10, 27, 14, 0)), watch)
    assert moved == {
        ("participant", "conference_moved", "victim", MONDAY),
        ("participant", "conference_moved", "offender", MONDAY),
        ("participant", "conference_reminder", "victim", london(2026, 10, 26, 9, 0)),
        ("participant", "conference_reminder", "offender", london(2026, 10, 26, 9, 0))}
    assert fired_by(cancelled(), watch) == {
        ("participant", "conference_cancelled", "victim", MONDAY),
        ("participant", "conference_cancelled", "offender", MONDAY)}


def test_every_row_of_the_table_is_exercised_by_these_tests():
    watch = evolve(Watch(), scheduled(), EVENT_ID)
    events = [case[1] for case in EXPECTED] + [rescheduled(london(2026, 10, 27, 14, 0)), cancelled()]
    exercised = {t.rule for event in events for t in decide_event(event, EVENT_ID, MONDAY, watch)}
    assert exercised == set(RULES)


def test_conference_news_is_sensitive_and_acknowledgements_are_not():
    assert is_sensitive("conference_scheduled") and is_sensitive("conference_reminder")
    assert not is_sensitive("acknowledgement_to_victim")


def test_a_timer_is_about_the_thing_whose_news_settles_it():
    timers = decide_event(scheduled(), EVENT_ID, MONDAY)
    assert {t.about_id for t in timers} == {CONFERENCE}


def test_a_stored_timer_finds_its_row_by_name_and_an_older_one_by_its_place_in_the_first_table():
    from services.notifications.domain.rules import rule_named

    assert all(rule_named(rule.id) is rule for rule in RULES)
    assert rule_named(0).template == "acknowledgement_to_victim"
    assert rule_named(3).outcome == "deadline_missed"
    assert rule_named(11).trigger == "ReparationAgreed"

"""Reading safe times: common phrasings become a window; anything else means "ask a person"."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.notifications.domain.channels import (
    CIVIL_HOURS,
    UNCLEAR,
    SafeWindow,
    Suppression,
    choose_channel,
    next_safe_moment,
    parse_safe_times,
)
from shared.workingdays import LONDON
from tests.unit.notifications.examples import MONDAY, person

EVERY_DAY, WEEKDAYS, WEEKENDS = frozenset(range(7)), frozenset(range(5)), frozenset({5, 6})
EARLY, LATE = CIVIL_HOURS


@pytest.mark.parametrize(("text", "window"), [
    (None, SafeWindow(EVERY_DAY, EARLY, LATE)),
    ("", SafeWindow(EVERY_DAY, EARLY, LATE)),
    ("any time", SafeWindow(EVERY_DAY, EARLY, LATE)),
    ("Anytime.", SafeWindow(EVERY_DAY, EARLY, LATE)),
    ("weekdays after 6pm", SafeWindow(WEEKDAYS, time(18), LATE)),
    ("Weekdays, after 18:00", SafeWindow(WEEKDAYS, time(18), LATE)),
    ("not before 10am", SafeWindow(EVERY_DAY, time(10), LATE)),
    ("before 5.30pm", SafeWindow(EVERY_DAY, EARLY, time(17, 30))),
    ("not after 8pm", SafeWindow(EVERY_DAY, EARLY, time(20))),
    ("between 9am and 5pm", SafeWindow(EVERY_DAY, time(9), time(17))),
    ("weekends 10am-4pm", SafeWindow(WEEKENDS, time(10), time(16))),
    ("evenings only", SafeWindow(EVERY_DAY, time(18), time(21))),
    ("weekdays", SafeWindow(WEEKDAYS, EARLY, LATE)),
    ("mornings", SafeWindow(EVERY_DAY, time(9), time(12))),
    ("after 6am", SafeWindow(EVERY_DAY, EARLY, LATE)),
])
def test_common_phrasings_are_read_as_a_window_within_civil_hours(text, window):
    assert parse_safe_times(text) == window


@pytest.mark.parametrize("text", [
    "only when my partner is at work", "not Tuesdays", "after 11pm", "between 5pm and 9am", "after 25:00",
    "after 13pm", "weekdays maybe", "ring mum first", "before 6am",
])
def test_anything_else_is_unclear(text):
    assert parse_safe_times(text) is UNCLEAR


def test_outside_the_window_a_send_waits_for_the_next_safe_moment():
    window = parse_safe_times("weekdays after 6pm")
    assert next_safe_moment(window, MONDAY) == datetime(2026, 10, 5, 18, 0, tzinfo=LONDON)
    friday_night = datetime(2026, 10, 9, 21, 30, tzinfo=LONDON)
    assert next_safe_moment(window, friday_night) == datetime(2026, 10, 12, 18, 0, tzinfo=LONDON)
    assert next_safe_moment(window, datetime(2026, 10, 5, 19, 0, tzinfo=LONDON)) == datetime(
        2026, 10, 5, 19, 0, tzinfo=LONDON)


PHRASES = st.builds(
    "{} {} {}{}".format, st.sampled_from(["", "weekdays", "weekends", "every day", "on fridays"]),
    st.sampled_from(["after", "before", "not before", "not after", "until", "from", "around"]),
    st.integers(-1, 30), st.sampled_from(["", "am", "pm", ":00", ":75", "h"]))


@given(st.one_of(st.text(), PHRASES))
def test_the_parser_never_raises_and_unreadable_text_always_suppresses(text):
    window = parse_safe_times(text)
    decision = choose_channel(person(safe_times=text), False, MONDAY)
    if window is UNCLEAR:
        assert decision == Suppression("safe_times_unclear", decision.detail)
    else:
        assert EARLY <= window.start < window.end <= LATE
        assert not isinstance(decision, Suppression)

"""Victims' Code: acknowledge within two working days; England's bank holidays do not count."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from services.notifications.domain.timings import acknowledgement_due
from shared.workingdays import add_working_days

LONDON = ZoneInfo("Europe/London")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_a_tuesday_referral_is_due_on_thursday():
    assert acknowledgement_due(at(2026, 11, 24, 10, 0)) == at(2026, 11, 26, 10, 0)


def test_a_friday_referral_is_due_on_tuesday():
    assert acknowledgement_due(at(2026, 11, 27, 15, 30)) == at(2026, 12, 1, 15, 30)


def test_christmas_and_boxing_day_do_not_count():
    # Thu 24 Dec 2026; Fri 25 and Mon 28 (Boxing Day substitute) are bank holidays in England.
    assert acknowledgement_due(at(2026, 12, 24, 11, 0)) == at(2026, 12, 30, 11, 0)


def test_a_referral_on_a_sunday_counts_from_monday_morning():
    assert acknowledgement_due(at(2026, 11, 29, 22, 0)) == at(2026, 12, 2, 9, 0)


def test_easter_monday_does_not_count_in_england():
    # Easter Monday 2027 is 29 March; Good Friday 26 March.
    assert add_working_days(at(2027, 3, 25, 12, 0), 2) == at(2027, 3, 31, 12, 0)

"""The Victims' Code deadline casework answers for: a first attempt to contact the victim within
2 working days of the referral (England's bank holidays do not count)."""

from __future__ import annotations

from datetime import date, datetime

from shared.workingdays import add_working_days, working_days_between

FIRST_CONTACT_WORKING_DAYS = 2


def first_contact_due(received_at: datetime) -> date:
    """The last day on which the first contact attempt is in time."""
    return add_working_days(received_at, FIRST_CONTACT_WORKING_DAYS).date()


def working_days_left(due: date, today: date) -> int:
    """Working days from ``today`` to ``due``: 0 on the day, negative once it has passed."""
    return working_days_between(today, due)

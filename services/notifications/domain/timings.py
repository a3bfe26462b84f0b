"""Victims' Code timings. Pure functions of dates; England's bank holidays do not count."""

from __future__ import annotations

from datetime import datetime

from shared.workingdays import add_working_days

WORKING_DAYS_TO_ACKNOWLEDGE = 2


def acknowledgement_due(received_at: datetime) -> datetime:
    """When a referral must have been acknowledged and contact attempted by."""
    return add_working_days(received_at, WORKING_DAYS_TO_ACKNOWLEDGE)

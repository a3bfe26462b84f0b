"""Victims' Code timings. Pure functions of dates; England's bank holidays do not count."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
WORKING_DAYS_TO_ACKNOWLEDGE = 2
DAY_STARTS = time(9, 0)


@cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day) -> bool:
    """Monday to Friday, and not a bank holiday in England."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """``days`` working days after ``start`` (London time). Something received on a day off
    counts from the start of the next working day."""
    local = start.astimezone(LONDON)
    if not is_working_day(local.date()):
        day = local.date()
        while not is_working_day(day):
            day += timedelta(days=1)
        local = datetime.combine(day, DAY_STARTS, LONDON)
    day, remaining = local.date(), days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), LONDON)


def acknowledgement_due(received_at: datetime) -> datetime:
    """When a referral must have been acknowledged and contact attempted by."""
    return add_working_days(received_at, WORKING_DAYS_TO_ACKNOWLEDGE)

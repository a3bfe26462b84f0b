"""Calendar quarters and months, as London dates (``2026-Q3`` is July to September 2026)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from shared.workingdays import LONDON

QUARTER_PATTERN = r"^(\d{4})-Q([1-4])$"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def london_date(moment: datetime) -> date:
    """The day ``moment`` falls on in England."""
    return moment.astimezone(LONDON).date()


def month_of(day: date) -> date:
    """The first day of ``day``'s month: how months are keyed."""
    return day.replace(day=1)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: Q1 January to March, Q2 April to June, Q3 July to September, Q4 October
    to December."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2026-Q3``; a ValueError saying what is allowed otherwise."""
        match = re.match(QUARTER_PATTERN, text.strip())
        if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise ValueError(f"{text[:20]!r} is not a quarter: give the year and quarter as YYYY-Q1 to YYYY-Q4, "
                             f"e.g. 2026-Q3, with a year from {FIRST_YEAR} to {LAST_YEAR}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def months(self) -> tuple[date, date, date]:
        first = 3 * (self.number - 1) + 1
        return date(self.year, first, 1), date(self.year, first + 1, 1), date(self.year, first + 2, 1)

    @property
    def start(self) -> date:
        return self.months[0]

    @property
    def end(self) -> date:
        """The first day after the quarter."""
        return date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)

    @property
    def label(self) -> str:
        first, _, last = self.months
        return f"{first:%B} to {last:%B} {self.year}"

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end

"""Small hand-made scenarios for the figures: moments in London time, cases as facts."""

from __future__ import annotations

from datetime import date, datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

from services.reporting.domain.facts import CaseFact, FollowUp

LONDON = ZoneInfo("Europe/London")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def case(received: datetime | None = None, **fields) -> CaseFact:
    defaults = {"source": "police", "area": "Buckinghamshire", "offence_type": "burglary",
                "cj_stage": "post_sentence", "initiated_by": "victim"}
    return CaseFact(case_id=uuid4(), received_at=received, **(defaults | fields))


def follow_up(completed: datetime, party: str = "victim", **answers) -> FollowUp:
    return FollowUp(case_id=uuid4(), party=party, completed_at=completed, **answers)


__all__ = ["at", "case", "date", "follow_up"]

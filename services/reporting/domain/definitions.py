"""How each figure is defined: which events it counts and by which clock. Commissioners define
figures differently, so every figure carries its definition, and the page and the return show it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    """A figure's definition in words: what it measures, from which events, by which clock."""

    name: str
    measures: str
    events: str
    clock: str

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "measures": self.measures, "events": self.events, "clock": self.clock}


COHORT = ("A case counts in the period its referral was received in (ReferralReceived.received_at, or "
          "CaseOpened.received_at when the referral's own event has not arrived), as a London date.")
"""Which cases every case-based figure (volume, timeliness, funnel, quality) is over."""

"""All the figures of one quarter, for one area and source or all: what /reports shows and the
quarterly return carries. Equality monitoring is for the whole service whatever the filters (0006)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.reporting.domain.equality import Equality, Tally, equality
from services.reporting.domain.facts import CaseFact, FollowUp
from services.reporting.domain.funnel import Funnel, funnel
from services.reporting.domain.outcomes import Answer, outcomes
from services.reporting.domain.quality import QualityShare, quality
from services.reporting.domain.timeliness import StepTimes, timeliness
from services.reporting.domain.volume import DIMENSIONS, VolumeTable, volume
from shared.periods import Quarter, london_date


@dataclass(frozen=True)
class Figures:
    quarter: Quarter
    area: str | None
    source: str | None
    received: int
    volumes: tuple[VolumeTable, ...]
    timeliness: tuple[StepTimes, ...]
    funnel: Funnel
    outcomes: tuple[Answer, ...]
    quality: tuple[QualityShare, ...]
    equality: Equality | None
    """None until casework has counted the quarter (it does once the quarter has ended)."""


def figures(facts: Iterable[CaseFact], follow_ups: Iterable[FollowUp], tally: Tally | None, quarter: Quarter, *,
            area: str | None = None, source: str | None = None) -> Figures:
    """The quarter's figures over the cases received in it (and the follow-ups completed in it), of
    ``area`` and ``source`` when given (a follow-up by its case's area and source); equality
    monitoring from the quarter's ``tally``, for the whole service."""
    if tally is not None and tally.quarter != quarter.key:
        raise ValueError(f"the tally of {tally.quarter} is not of {quarter.key}")

    def wanted(row: CaseFact | FollowUp) -> bool:
        return (area is None or row.area == area) and (source is None or row.source == source)

    cohort = [f for f in facts if wanted(f) and f.received_on is not None and f.received_on in quarter]
    surveyed = [u for u in follow_ups if wanted(u) and london_date(u.completed_at) in quarter]
    return Figures(
        quarter=quarter, area=area, source=source, received=len(cohort),
        volumes=tuple(volume(cohort, dimension, quarter) for dimension in DIMENSIONS),
        timeliness=timeliness(cohort), funnel=funnel(cohort), outcomes=outcomes(surveyed), quality=quality(cohort),
        equality=None if tally is None else equality(tally),
    )

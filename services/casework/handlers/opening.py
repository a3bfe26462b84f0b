"""Reactions to the referral service: a referral opens its case, partner news lands on it.

Both are harmless to repeat (DESIGN D8): the case id derives from the referral id and each event
id from its cause, so a redelivered event records nothing new; a case reference taken by a
delivery that lost the race to another is given back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID, uuid5

from services.casework.domain.commands import NotePartnerUpdate, OpenCase
from services.casework.domain.decide import decide_opening, decide_partner_update
from services.casework.domain.evolve import CASE
from services.casework.domain.state import case_stream
from services.casework.handlers.dependencies import Dependencies
from shared.commands import Executed, execute
from shared.envelope import Cause


@dataclass(frozen=True)
class OpenCaseFor:
    """Open the case of a received referral (``reference`` is allocated here)."""

    opening: OpenCase
    cause_event_id: UUID


@dataclass(frozen=True)
class NotePartnerNews:
    case_id: UUID
    update: NotePartnerUpdate
    cause_event_id: UUID


async def open_case(command: OpenCaseFor, cause: Cause, deps: Dependencies) -> Executed | None:
    opening = command.opening
    stream = case_stream(opening.case_id)
    if await deps.store.read_stream(stream):
        return None  # opened by an earlier delivery of the same referral
    reference = await deps.references.next(opening.received_at.year)
    try:
        executed = await execute(
            deps.store, stream, CASE,
            lambda state: decide_opening(_with_reference(opening, reference), state),
            cause, deps.keys, event_ids=_opening_ids(opening, command.cause_event_id),
        )
    except Exception:
        await _give_back_unless_used(deps, stream, reference)
        raise
    if not executed.recorded:  # another delivery opened it first, under its own reference
        await deps.references.release(reference)
    return executed


def _with_reference(opening: OpenCase, reference: str) -> OpenCase:
    return replace(opening, reference=reference)


def _opening_ids(opening: OpenCase, cause_event_id: UUID) -> list[UUID]:
    """One id per event the opening records (the case, and its sensitivity when it has one),
    each derived from the referral's event so that a redelivery records nothing new."""
    count = len(decide_opening(opening, CASE.initial))
    return [uuid5(cause_event_id, f"opening {index}") for index in range(count)]


async def _give_back_unless_used(deps: Dependencies, stream: str, reference: str) -> None:
    recorded = await deps.store.read_stream(stream)
    if not recorded or recorded[0].data.get("reference") != reference:
        await deps.references.release(reference)


async def note_partner_news(command: NotePartnerNews, cause: Cause, deps: Dependencies) -> Executed:
    return await execute(
        deps.store, case_stream(command.case_id), CASE,
        lambda state: decide_partner_update(command.update, state),
        cause, deps.keys, event_ids=[uuid5(command.cause_event_id, "noted")],
    )

"""A person's action on a case: load it (opened, for the rules that read personal details), look
up the staff it names, decide, record."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from services.casework.domain import commands as c
from services.casework.domain.decide import decide
from services.casework.domain.evolve import CASE
from services.casework.domain.people import Context, Person
from services.casework.domain.state import case_stream
from services.casework.handlers.dependencies import Dependencies
from shared.commands import Executed, execute
from shared.envelope import Cause


@dataclass(frozen=True)
class ActOnCase:
    case_id: UUID
    action: c.Action
    by: Person
    expected_version: int | None = None


def named_staff(action: c.Action) -> list[str]:
    """The people an action names, whom the rules must know (role and level)."""
    if isinstance(action, c.AllocateFacilitator | c.ReassignFacilitator):
        return [name for name in (action.facilitator, action.co_facilitator) if name]
    return []


async def act(command: ActOnCase, cause: Cause, deps: Dependencies) -> Executed:
    staff = await deps.staff.people(named_staff(command.action))
    ctx = Context(by=command.by, now=deps.clock(), staff=staff)
    return await execute(
        deps.store, case_stream(command.case_id), CASE,
        lambda state: decide(command.action, state, ctx, command.expected_version),
        cause, deps.keys, opening_keys=deps.keys,
    )

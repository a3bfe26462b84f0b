"""The casework handlers' dependencies, built once from the running service."""

from __future__ import annotations

from functools import partial

from services.casework.adapters.references import postgres_case_references
from services.casework.adapters.staff import AccountsDirectory
from services.casework.handlers import Dependencies
from services.casework.handlers.equality import count_every
from services.casework.projections import EQUALITY_DECISIONS
from services.casework.projections.equality_decisions import DecidedCases
from services.casework.settings import Settings
from shared.runtime import ServiceRuntime


def bootstrap(runtime: ServiceRuntime) -> Dependencies:
    """Real adapters on the service's pool; keys from its key store; people from its accounts."""
    assert runtime.keys is not None, "the casework service has key access"
    assert runtime.identity is not None, "people sign in to casework"
    return Dependencies(store=runtime.store, keys=runtime.keys, references=postgres_case_references(runtime.pool),
                        staff=AccountsDirectory(runtime.identity.accounts))


async def equality_loop(runtime: ServiceRuntime) -> None:
    """The service's background task: count the ended quarters' equality monitoring."""
    settings: Settings = runtime.settings  # type: ignore[assignment]  # the service's own
    await count_every(runtime.dependencies, DecidedCases(runtime.pool), settings.equality_tally_hours,
                      partial(runtime.caught_up, EQUALITY_DECISIONS.name))

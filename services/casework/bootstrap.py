"""The casework handlers' dependencies, built once from the running service."""

from __future__ import annotations

from services.casework.adapters.references import postgres_case_references
from services.casework.adapters.staff import AccountsDirectory
from services.casework.handlers import Dependencies
from shared.runtime import ServiceRuntime


def bootstrap(runtime: ServiceRuntime) -> Dependencies:
    """Real adapters on the service's pool; keys from its key store; people from its accounts."""
    assert runtime.keys is not None, "the casework service has key access"
    assert runtime.identity is not None, "people sign in to casework"
    return Dependencies(store=runtime.store, keys=runtime.keys, references=postgres_case_references(runtime.pool),
                        staff=AccountsDirectory(runtime.identity.accounts))

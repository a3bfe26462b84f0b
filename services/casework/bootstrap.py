"""The casework handlers' dependencies, built once from the running service."""

from __future__ import annotations

from services.casework.handlers import Dependencies
from shared.runtime import ServiceRuntime


def bootstrap(runtime: ServiceRuntime) -> Dependencies:
    assert runtime.keys is not None, "the casework service has key access"
    return Dependencies(store=runtime.store, keys=runtime.keys)

"""The reporting handlers' dependencies, built once from the running service."""

from __future__ import annotations

from services.reporting.handlers import Dependencies
from shared.runtime import ServiceRuntime


def bootstrap(runtime: ServiceRuntime) -> Dependencies:
    return Dependencies(store=runtime.store)

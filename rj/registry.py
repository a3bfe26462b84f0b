"""The four services, as the whole system knows them: their definitions, settings, apps and verbs.

This is the one place that names every service; ``rj`` reaches each through it, by plain import.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from services.casework import app as casework
from services.notifications import app as notifications
from services.referral import app as referral
from services.referral import cli as referral_cli
from services.reporting import app as reporting
from shared.runtime import ServiceDefinition
from shared.settings import ServiceSettings

AddCommands = Callable[["argparse._SubParsersAction"], None]


@dataclass(frozen=True)
class Service:
    app: ModuleType
    """The service's ``app`` module: its ``DEFINITION`` and ``create_app``."""
    settings: type[ServiceSettings]
    commands: AddCommands | None = None
    """Adds the service's own ``rj`` verbs."""

    @property
    def definition(self) -> ServiceDefinition:
        return self.app.DEFINITION

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def factory(self) -> str:
        """The app factory as uvicorn imports it (``--factory``)."""
        return f"{self.app.__name__}:create_app"


SERVICES: dict[str, Service] = {
    service.name: service
    for service in (
        Service(referral, referral.Settings, referral_cli.add_commands),
        Service(casework, casework.Settings),
        Service(notifications, notifications.Settings),
        Service(reporting, reporting.Settings),
    )
}


def find_service(name: str) -> Service:
    """The service called ``name``; a clear exit for any other name."""
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}: choose one of {', '.join(SERVICES)}")
    return SERVICES[name]

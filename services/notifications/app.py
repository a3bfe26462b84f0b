"""The notifications service: what it is to the plumbing, and its ASGI app (``create_app``)."""

from __future__ import annotations

from fastapi import FastAPI

from services.notifications import api
from services.notifications.adapters import MIGRATIONS
from services.notifications.bootstrap import bootstrap, timer_loop
from services.notifications.handlers.reactions import REACTIONS
from services.notifications.projections import PROJECTIONS
from services.notifications.settings import Settings
from shared.runtime import ServiceDefinition
from shared.web.app import create_service_app

DEFINITION = ServiceDefinition(name="notifications", categories=("notification",), projections=PROJECTIONS,
                               reactions=REACTIONS, bootstrap=bootstrap, migrations=MIGRATIONS,
                               background=(timer_loop,))


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service's app; settings from the environment unless given."""
    return create_service_app(
        DEFINITION, settings or Settings(), api.ROUTERS,
        title="Notifications service", description="Acknowledgements, updates and Victims' Code deadline reminders.",
        rule_statuses=api.RULE_STATUSES,
    )

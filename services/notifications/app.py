"""Composition root of the notifications service."""

from __future__ import annotations

from services.notifications import settings
from services.notifications.projections import PROJECTIONS
from shared.runtime import ServiceDefinition
from shared.web.app import create_service_app

DEFINITION = ServiceDefinition(name="notifications", categories=("notification",), projections=PROJECTIONS)

app = create_service_app(
    DEFINITION, settings.load,
    title="Notifications service",
    description="Acknowledgements, updates and Victims' Code deadline reminders.",
)

"""Composition root of the casework service."""

from __future__ import annotations

from services.casework import settings
from services.casework.projections import PROJECTIONS
from shared.runtime import ServiceDefinition
from shared.web.app import create_service_app

DEFINITION = ServiceDefinition(name="casework", categories=("case",), projections=PROJECTIONS)

app = create_service_app(
    DEFINITION, settings.load,
    title="Casework service",
    description="The case lifecycle, for facilitators and supervisors.",
)

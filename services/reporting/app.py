"""Composition root of the reporting service."""

from __future__ import annotations

from services.reporting import settings
from services.reporting.projections import PROJECTIONS
from shared.runtime import ServiceDefinition
from shared.web.app import create_service_app

# No key access (DESIGN D5): personal fields reach reporting sealed and read as erased.
DEFINITION = ServiceDefinition(
    name="reporting", categories=("report",), projections=PROJECTIONS, key_access=False
)

app = create_service_app(
    DEFINITION, settings.load,
    title="Reporting service",
    description="Commissioners' figures and returns; auditors' replay of case history.",
)

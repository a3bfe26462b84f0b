"""The reporting service: what it is to the plumbing, and its ASGI app (``create_app``)."""

from __future__ import annotations

from fastapi import FastAPI

from services.reporting import api
from services.reporting.bootstrap import bootstrap
from services.reporting.projections import PROJECTIONS
from services.reporting.settings import Settings
from shared.runtime import ServiceDefinition
from shared.web.app import create_service_app

# No key access (DESIGN D5): personal fields reach reporting sealed and read as erased.
DEFINITION = ServiceDefinition(name="reporting", categories=("report",), projections=PROJECTIONS, bootstrap=bootstrap,
                               key_access=False)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service's app; settings from the environment unless given."""
    return create_service_app(
        DEFINITION, settings or Settings(), api.ROUTERS,
        title="Reporting service", description="Commissioners' figures and returns; auditors' replay of case history.",
        rule_statuses=api.RULE_STATUSES,
    )

"""The reporting service: what it is to the plumbing, and its ASGI app (``create_app``)."""

from __future__ import annotations

from fastapi import FastAPI

from services.reporting import api, web
from services.reporting.bootstrap import bootstrap
from services.reporting.projections import PROJECTIONS
from services.reporting.settings import Settings
from shared.runtime import ServiceDefinition
from shared.web.app import create_service_app
from shared.web.templating import mount_static

# No key access (DESIGN D5): personal fields reach reporting sealed and read as erased.
DEFINITION = ServiceDefinition(name="reporting", categories=("report",), projections=PROJECTIONS, bootstrap=bootstrap,
                               key_access=False, people=True)


def configure(app: FastAPI) -> None:
    mount_static(app)
    web.install(app)  # the pages' sign-in redirect, 403 and refused-form pages


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service's app; settings from the environment unless given."""
    return create_service_app(
        DEFINITION, settings or Settings(), [*api.ROUTERS, *web.ROUTERS],
        title="Reporting service", description="Commissioners' figures and returns; auditors' replay of case history.",
        rule_statuses=api.RULE_STATUSES, configure=configure,
    )

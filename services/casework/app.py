"""The casework service: what it is to the plumbing, and its ASGI app (``create_app``)."""

from __future__ import annotations

from fastapi import FastAPI

from services.casework import api, web
from services.casework.adapters import MIGRATIONS
from services.casework.bootstrap import bootstrap, equality_loop
from services.casework.handlers.reactions import REACTIONS
from services.casework.projections import PROJECTIONS
from services.casework.settings import Settings
from shared.runtime import ServiceDefinition
from shared.web.app import create_service_app
from shared.web.templating import mount_static

DEFINITION = ServiceDefinition(name="casework", categories=("case", "access", "equality"), projections=PROJECTIONS,
                               reactions=REACTIONS, bootstrap=bootstrap, migrations=MIGRATIONS, people=True,
                               background=(equality_loop,))


def configure(app: FastAPI) -> None:
    mount_static(app)
    web.install(app)  # the pages' sign-in redirect, 403 and refused-form pages


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service's app; settings from the environment unless given."""
    return create_service_app(
        DEFINITION, settings or Settings(), [*api.ROUTERS, *web.ROUTERS],
        title="Casework service", description="The case lifecycle, for facilitators and supervisors.",
        rule_statuses=api.RULE_STATUSES, configure=configure,
    )

"""The notifications service: what it is to the plumbing, and its ASGI app (``create_app``)."""

from __future__ import annotations

from fastapi import FastAPI

from services.notifications import api, web
from services.notifications.adapters import MIGRATIONS
from services.notifications.bootstrap import bootstrap, timer_loop
from services.notifications.handlers.reactions import REACTIONS
from services.notifications.projections import PROJECTIONS
from services.notifications.settings import Settings
from shared.runtime import ServiceDefinition
from shared.web.app import create_service_app
from shared.web.templating import mount_static

DEFINITION = ServiceDefinition(name="notifications", categories=("notification",), projections=PROJECTIONS,
                               reactions=REACTIONS, bootstrap=bootstrap, migrations=MIGRATIONS,
                               background=(timer_loop,), people=True)


def configure(app: FastAPI) -> None:
    mount_static(app)
    web.install(app)  # the staff pages' sign-in redirect, 403 and refused-form pages


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service's app; settings from the environment unless given."""
    return create_service_app(
        DEFINITION, settings or Settings(), [*api.ROUTERS, *web.ROUTERS],
        title="Notifications service",
        description="Acknowledgements, updates and Victims' Code deadline reminders; for supervisors and admins,"
                    " the email caught locally (/mail) and the notifications that failed for good (/failures).",
        rule_statuses=api.RULE_STATUSES, configure=configure,
    )

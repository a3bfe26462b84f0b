"""The referral service: what it is to the plumbing, and its ASGI app (``create_app``)."""

from __future__ import annotations

from fastapi import FastAPI

from services.referral import api, web
from services.referral.adapters import MIGRATIONS
from services.referral.bootstrap import bootstrap
from services.referral.projections import PROJECTIONS
from services.referral.settings import Settings
from shared.runtime import ServiceDefinition
from shared.web.app import create_service_app
from shared.web.limits import BodySizeLimit
from shared.web.templating import mount_static

MAX_BODY_BYTES = 256 * 1024

DEFINITION = ServiceDefinition(name="referral", categories=("referral", "progress"), projections=PROJECTIONS,
                               bootstrap=bootstrap, migrations=MIGRATIONS, people=True)


def configure(app: FastAPI) -> None:
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)
    mount_static(app)
    web.install(app)  # the staff pages' sign-in redirect, 403 and refused-form pages


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service's app; settings from the environment unless given."""
    return create_service_app(
        DEFINITION, settings or Settings(), [*api.ROUTERS, *web.ROUTERS],
        title="Referral service",
        description=(
            "Intake of referrals to the Victim-Initiated and Pre-Sentence Restorative Justice service: "
            "partner agencies post referrals and updates (JSON or CloudEvents) with their API key; victims "
            "refer themselves through the web form at /refer; supervisors and admins sign in to revoke a "
            "victim's progress links at /staff/progress-links. Errors are RFC 9457 problem documents."
        ),
        rule_statuses=api.RULE_STATUSES, configure=configure,
    )

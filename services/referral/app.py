"""Composition root of the referral service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.referral import api, events_api, settings, web
from services.referral.projections import PROJECTIONS
from shared.runtime import ServiceDefinition
from shared.web import problems
from shared.web.app import create_service_app
from shared.web.limits import BodySizeLimit
from shared.web.templating import mount_static

MAX_BODY_BYTES = 256 * 1024

DEFINITION = ServiceDefinition(
    name="referral", categories=("referral",), projections=PROJECTIONS,
    migrations=Path(__file__).parent / "sql",
)


def configure(app: FastAPI) -> None:
    problems.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)
    mount_static(app)


app = create_service_app(
    DEFINITION, settings.load, [api.router, events_api.router, web.router],
    title="Referral service",
    description=(
        "Intake of referrals to the Victim-Initiated and Pre-Sentence Restorative Justice service: "
        "partner agencies post referrals and updates (JSON or CloudEvents) with their API key; victims "
        "refer themselves through the web form at /refer. Errors are RFC 9457 problem documents."
    ),
    configure=configure,
)

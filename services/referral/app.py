"""Composition root of the referral service."""

from __future__ import annotations

from services.referral import settings
from services.referral.projections import PROJECTIONS
from shared.runtime import ServiceDefinition
from shared.web.app import create_service_app

DEFINITION = ServiceDefinition(name="referral", categories=("referral",), projections=PROJECTIONS)

app = create_service_app(
    DEFINITION, settings.load,
    title="Referral service",
    description="Intake of referrals from partner agencies and from victims themselves.",
)

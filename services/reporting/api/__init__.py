"""The reporting service's HTTP API: routes only; every rule is in ``domain``."""

from services.reporting.api import audit, quarterly
from shared.commands import RuleBroken

ROUTERS = (audit.router, quarterly.router)
RULE_STATUSES: dict[type[RuleBroken], int] = {}

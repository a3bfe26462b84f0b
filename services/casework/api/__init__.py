"""The casework service's HTTP API: routes only; every rule is in ``domain``."""

from services.casework.api import actions, cases, equality
from services.casework.api.problems import RULE_STATUSES

ROUTERS = (cases.router, actions.router, equality.router)

__all__ = ["ROUTERS", "RULE_STATUSES"]

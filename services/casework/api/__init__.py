"""The casework service's HTTP API: routes only; every rule is in ``domain``."""

from services.casework.api import actions, cases
from services.casework.api.problems import RULE_STATUSES

ROUTERS = (cases.router, actions.router)

__all__ = ["ROUTERS", "RULE_STATUSES"]

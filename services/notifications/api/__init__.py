"""The notifications service's HTTP API: routes only; every rule is in ``domain``."""

from shared.commands import RuleBroken

ROUTERS = ()
RULE_STATUSES: dict[type[RuleBroken], int] = {}

"""The referral service's partner API: routes only; every rule is in ``domain``."""

from services.referral.api import events, referrals
from services.referral.api.problems import RULE_STATUSES

ROUTERS = (referrals.router, events.router)

__all__ = ["ROUTERS", "RULE_STATUSES"]

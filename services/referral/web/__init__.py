"""The referral service's public pages: the victim's self-referral form at /refer."""

from services.referral.web import refer

ROUTERS = (refer.router,)

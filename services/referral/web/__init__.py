"""The referral service's public pages: the victim's self-referral form at /refer, and their
progress page at /progress/<token>."""

from services.referral.web import progress, refer

ROUTERS = (refer.router, progress.router)

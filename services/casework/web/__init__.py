"""Casework's pages for facilitators and supervisors: routes and pages only (every rule is in
``domain``); server-rendered with GOV.UK and MOJ Frontend, htmx only as an enhancement."""

from services.casework.web import auth, case_page, home
from services.casework.web.pages import install

ROUTERS = (auth.router, home.router, case_page.router)

__all__ = ["ROUTERS", "install"]

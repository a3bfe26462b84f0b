"""The reporting service's pages: the commissioners' reports (/reports) and the auditors' case
histories (/audit/cases/…); sign-in at /login."""

from services.reporting.web import audit, pages, reports

ROUTERS = (pages.STAFF.signin_router(), reports.router, audit.router)
install = pages.STAFF.install
"""Answer the pages' sign-in redirect, 403 and refused-form pages (for the app's ``configure``)."""

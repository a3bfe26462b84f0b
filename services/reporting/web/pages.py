"""The reporting service's staff pages share one sign-in (``shared.web.staff``): commissioners,
supervisors and admins read the reports; auditors read case histories. Each page narrows the roles
further (an audit page answers 404 to anyone but an auditor, as if it did not exist)."""

from __future__ import annotations

from pathlib import Path

from shared.web.csrf import Csrf
from shared.web.staff import StaffPages

STAFF = StaffPages(Path(__file__).parent / "templates", service="Restorative justice reports", home="/reports",
                   roles=("commissioner", "supervisor", "admin", "auditor"),
                   csrf=Csrf(cookie="rj_reporting_staff_csrf", purpose="reporting staff csrf token"))

"""The notifications service's staff pages, for supervisors and admins: the email a local mail
catcher caught (/mail) and the notifications that failed for good (/failures); sign-in at /login."""

from services.notifications.web import staff

ROUTERS = (staff.STAFF.signin_router(), staff.router)
install = staff.STAFF.install
"""Answer the staff pages' sign-in redirect, 403 and refused-form pages (for the app's ``configure``)."""

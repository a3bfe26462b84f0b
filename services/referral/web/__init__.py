"""The referral service's pages: the victim's self-referral form at /refer and their progress page
at /progress/<token>; for staff, signing in at /login and revoking progress links at /staff/."""

from services.referral.web import progress, refer, staff

ROUTERS = (refer.router, progress.router, staff.STAFF.signin_router(), staff.router)
install = staff.STAFF.install
"""Answer the staff pages' sign-in redirect, 403 and refused-form pages (for the app's ``configure``)."""

"""The notifications service's read models, one module each."""

from services.notifications.projections.acknowledgement_deadlines import AcknowledgementDeadlines
from services.notifications.projections.failures import PermanentFailures

ACKNOWLEDGEMENT_DEADLINES = AcknowledgementDeadlines()
PERMANENT_FAILURES = PermanentFailures()
PROJECTIONS = (ACKNOWLEDGEMENT_DEADLINES, PERMANENT_FAILURES)

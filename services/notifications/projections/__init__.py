"""The notifications service's read models, one module each."""

from services.notifications.projections.acknowledgement_deadlines import AcknowledgementDeadlines

ACKNOWLEDGEMENT_DEADLINES = AcknowledgementDeadlines()
PROJECTIONS = (ACKNOWLEDGEMENT_DEADLINES,)

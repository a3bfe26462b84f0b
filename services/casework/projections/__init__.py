"""The casework service's read models, one module each."""

from services.casework.projections.triage_queue import TriageQueue

TRIAGE_QUEUE = TriageQueue()
PROJECTIONS = (TRIAGE_QUEUE,)

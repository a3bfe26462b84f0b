"""The casework service's read models, one module each."""

from services.casework.projections.cases import Cases
from services.casework.projections.triage_queue import TriageQueue

TRIAGE_QUEUE = TriageQueue()
CASES = Cases()
PROJECTIONS = (TRIAGE_QUEUE, CASES)

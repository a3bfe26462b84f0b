"""The casework service's read models, one module each."""

from services.casework.projections.cases import Cases
from services.casework.projections.equality_decisions import EqualityDecisions
from services.casework.projections.triage_queue import TriageQueue

TRIAGE_QUEUE = TriageQueue()
CASES = Cases()
EQUALITY_DECISIONS = EqualityDecisions()
PROJECTIONS = (TRIAGE_QUEUE, CASES, EQUALITY_DECISIONS)

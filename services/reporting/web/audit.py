"""/audit/cases/{case_ref}: a case's verified history, for auditors (to be built)."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)

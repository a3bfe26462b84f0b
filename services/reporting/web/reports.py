"""/reports: the commissioners' figures (to be built)."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)

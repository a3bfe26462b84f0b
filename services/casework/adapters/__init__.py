"""The casework service's SQL that is not a read model (case reference numbers, the staff
directory), each behind a small Protocol so the handlers run on fakes in unit tests."""

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "sql"

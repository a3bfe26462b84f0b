"""The notifications service's SQL that is not a read model (sequences, indexes, timers), each behind a
small Protocol so that its handlers run on fakes in unit tests."""

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "sql"

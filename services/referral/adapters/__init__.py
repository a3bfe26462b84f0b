"""The referral service's SQL that is not a read model, each behind a small Protocol so that the
handlers run on in-memory fakes in unit tests. Tables are created by the scripts in ``sql/``."""

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "sql"

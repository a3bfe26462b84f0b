"""Fault tests: real processes under `rj up`, each test bounded in time (a few minutes in all)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults: a part of `rj up` is killed while referrals flow")

"""Fixtures of the referral unit tests: in-memory ports, a standing clock, a partner's cause."""

from __future__ import annotations

import pytest

from services.referral.handlers import Dependencies
from shared.envelope import Cause
from tests.unit.referral.examples import agency_cause
from tests.unit.referral.fakes import FixedClock, dependencies


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def deps(clock: FixedClock) -> Dependencies:
    return dependencies(clock=clock)


@pytest.fixture
def cause() -> Cause:
    return agency_cause()

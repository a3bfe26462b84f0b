"""The failure throttle: a sliding window per client, bounded memory, on a fake clock."""

from __future__ import annotations

import pytest

from shared.web.throttle import FailureThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_a_client_is_blocked_only_after_the_limit_of_failures_within_the_window(clock):
    throttle = FailureThrottle(limit=3, window=60, clock=clock)
    for _ in range(2):
        throttle.failed("10.0.0.1")
        clock.now += 1
        assert throttle.retry_after("10.0.0.1") is None
    throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 58  # the first failure, at 1000, leaves the window at 1060
    assert throttle.retry_after("10.0.0.2") is None  # other clients are not touched


def test_the_window_slides_so_old_failures_stop_counting(clock):
    throttle = FailureThrottle(limit=3, window=60, clock=clock)
    for _ in range(3):
        throttle.failed("a")
        clock.now += 10
    assert throttle.retry_after("a") == 30  # the first, at 1000, leaves at 1060; it is 1030
    clock.now = 1060  # the first failure has left the window
    assert throttle.retry_after("a") is None
    throttle.failed("a")  # one more failure blocks again until the second one leaves
    assert throttle.retry_after("a") == 10
    clock.now += 10.5
    assert throttle.retry_after("a") is None


def test_retry_after_is_whole_seconds_and_at_least_one(clock):
    throttle = FailureThrottle(limit=1, window=2.5, clock=clock)
    throttle.failed("a")
    assert throttle.retry_after("a") == 3
    clock.now += 2.4
    assert throttle.retry_after("a") == 1
    clock.now += 0.1
    assert throttle.retry_after("a") is None


def test_memory_is_bounded_forgetting_the_least_recently_failing_client(clock):
    throttle = FailureThrottle(limit=2, window=60, max_clients=3, clock=clock)
    for client in ("a", "b", "c"):
        throttle.failed(client)
        throttle.failed(client)
    throttle.failed("a")  # a is now the most recent
    throttle.failed("d")  # over the cap: b, the least recently failing, is forgotten
    assert len(throttle) == 3
    assert throttle.retry_after("b") is None
    assert throttle.retry_after("a") is not None and throttle.retry_after("c") is not None
    for n in range(10_000):
        throttle.failed(f"flood-{n}")
    assert len(throttle) == 3


def test_expired_clients_are_forgotten(clock):
    throttle = FailureThrottle(limit=2, window=60, clock=clock)
    throttle.failed("a")
    clock.now += 61
    assert throttle.retry_after("a") is None
    assert len(throttle) == 0


@pytest.mark.parametrize("arguments", [{"limit": 0}, {"window": 0}, {"max_clients": 0}])
def test_nonsense_settings_are_refused(arguments):
    with pytest.raises(ValueError):
        FailureThrottle(**arguments)

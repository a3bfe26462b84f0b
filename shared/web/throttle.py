"""Throttling repeated failures (wrong API keys, say) per client, in memory and bounded.

A sliding window per client: the times of its last ``limit`` failures. Once it has ``limit``
failures within ``window`` seconds it is blocked until the oldest of them leaves the window. Memory
is bounded: at most ``max_clients`` clients are remembered (the least recently failing is forgotten
first), each with at most ``limit`` timestamps. The clock is injectable, for tests.

In memory means per process: with several replicas a client gets ``limit`` failures at each. That
is enough to turn a flood of guesses into a trickle and keep it off the database.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class FailureThrottle:
    """Counts failures per client key; :meth:`retry_after` says whether (and how long) it is blocked."""

    def __init__(self, limit: int = 10, window: float = 60.0, *, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        if limit < 1 or window <= 0 or max_clients < 1:
            raise ValueError("limit and max_clients must be at least 1, window more than 0")
        self.limit, self.window, self.max_clients, self.clock = limit, window, max_clients, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def failed(self, client: str) -> None:
        """Record one failure of ``client`` now."""
        now = self.clock()
        times = self._failures.pop(client, None)
        if times is None:
            times = deque(maxlen=self.limit)
        times.append(now)
        self._failures[client] = times  # most recent last
        while len(self._failures) > self.max_clients:
            self._failures.popitem(last=False)

    def retry_after(self, client: str) -> int | None:
        """Whole seconds until ``client`` may fail again, or None if it is not blocked."""
        times = self._failures.get(client)
        if times is None:
            return None
        now = self.clock()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[client]
            return None
        if len(times) < self.limit:
            return None
        return max(1, math.ceil(times[0] + self.window - now))

    def __len__(self) -> int:
        """How many clients are remembered."""
        return len(self._failures)

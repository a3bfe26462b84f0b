"""The services' idea of "now": the real time, unless a request carries a simulated one.

A simulated time exists only where the operator turned the demo clock on (``RJ_DEMO_CLOCK``,
``rj up --demo-clock``): ``shared.web.democlock`` then sets it for one request from the
``X-RJ-Demo-Time`` header, so that demo data can be recorded as if it happened over past years.
The event store's ``recorded_at`` never reads this clock: the audit record keeps when it was written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_simulated: ContextVar[datetime | None] = ContextVar("rj_simulated_now", default=None)


def now() -> datetime:
    """The simulated time of the current request if there is one, else the real time (UTC, aware)."""
    return _simulated.get() or datetime.now(UTC)


@contextmanager
def simulating(moment: datetime) -> Iterator[None]:
    """Within the block, ``now()`` answers ``moment`` (an aware datetime, turned to UTC)."""
    if moment.tzinfo is None:
        raise ValueError("a simulated time needs a UTC offset")
    token = _simulated.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _simulated.reset(token)

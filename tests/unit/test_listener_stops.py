"""A follower's LISTEN watcher stops when the follower closes it, even when the connection is lost
at that very moment.

On Python 3.11, ``asyncio.wait_for`` swallows a cancellation that arrives just after the awaited
thing finished; the watcher, waiting on its "connection lost" signal that way, went on watching, and
the relay that was closing it waited for it forever (seen after a PostgreSQL crash: no event
relayed until the service stopped)."""

from __future__ import annotations

import asyncio

from shared.eventstore.postgres import _Listener


class _NoDatabase:
    async def acquire(self, timeout: float | None = None):
        raise OSError("the database is down")


async def test_close_stops_the_watcher_when_the_connection_is_lost_at_the_same_moment():
    for ticks in range(4):  # the race, at each point the loss can land relative to the close
        listener = _Listener(_NoDatabase(), asyncio.Event(), first_delay=0.01, check_every=60)
        listener._watcher = asyncio.create_task(listener._watch())
        await asyncio.sleep(0)  # the watcher waits for a loss
        listener._on_lost()
        for _ in range(ticks):
            await asyncio.sleep(0)
        closing = asyncio.create_task(listener.close())
        done, _ = await asyncio.wait({closing}, timeout=3)
        assert done, f"close() still waiting on the watcher (loss {ticks} ticks before it)"
        assert listener._watcher.done(), f"the watcher still runs after close() (loss {ticks} ticks before it)"

"""The event store's announcer: one NOTIFY for the appends of a moment, and never none."""

from __future__ import annotations

import asyncio

from shared.eventstore.postgres import CHANNEL, _Announcer


class _CountingPool:
    def __init__(self) -> None:
        self.notified: list[tuple] = []

    async def execute(self, *args):
        self.notified.append(args)


async def test_appends_close_together_share_one_notify_and_a_later_one_gets_its_own():
    pool = _CountingPool()
    announcer = _Announcer(pool, gather=0.05)
    for _ in range(50):
        announcer.appended()
    await asyncio.sleep(0.2)
    assert pool.notified == [("SELECT pg_notify($1, '')", CHANNEL)]
    announcer.appended()
    await asyncio.sleep(0.2)
    assert len(pool.notified) == 2


def test_a_task_left_behind_by_a_closed_event_loop_does_not_stand_in_for_a_new_one():
    pool = _CountingPool()
    announcer = _Announcer(pool, gather=0.01)

    async def append_and_leave() -> None:
        announcer.appended()  # its task is still waiting when this loop is closed

    first = asyncio.new_event_loop()
    first.run_until_complete(append_and_leave())
    first.close()

    async def append_and_wait() -> None:
        announcer.appended()
        await asyncio.sleep(0.1)

    second = asyncio.new_event_loop()
    try:
        second.run_until_complete(append_and_wait())
    finally:
        second.close()
    assert len(pool.notified) == 1

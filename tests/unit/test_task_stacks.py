"""SIGUSR2 makes a service log where each of its tasks is waiting."""

from __future__ import annotations

import asyncio
import os
import signal

from structlog.testing import capture_logs

from shared.observability import answer_stack_requests


async def _waits_on_something(never: asyncio.Event) -> None:
    await never.wait()


async def test_sigusr2_logs_every_task_and_where_it_waits():
    never = asyncio.Event()
    stuck = asyncio.create_task(_waits_on_something(never), name="stuck-relay")
    await asyncio.sleep(0)
    answer_stack_requests()
    try:
        with capture_logs() as logs:
            os.kill(os.getpid(), signal.SIGUSR2)
            await asyncio.sleep(0.1)
    finally:
        asyncio.get_running_loop().remove_signal_handler(signal.SIGUSR2)
        stuck.cancel()
    stacks = {entry["task"]: entry["stack"] for entry in logs if entry["event"] == "service.task_stack"}
    assert "_waits_on_something" in stacks["stuck-relay"]

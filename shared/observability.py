"""The Prometheus metrics every service exposes on /metrics (DESIGN D11), and task stacks on request."""

from __future__ import annotations

import asyncio
import io
import signal
from types import SimpleNamespace

import structlog
from prometheus_client import Counter, Gauge

metrics = SimpleNamespace(
    events_appended=Counter("rj_events_appended_total", "Events appended to the store", ["service"]),
    events_published=Counter("rj_events_published_total", "Events relayed to the broker", ["relay"]),
    events_consumed=Counter("rj_events_consumed_total", "Events a consumer applied", ["consumer"]),
    events_ignored=Counter("rj_events_duplicate_total", "Redelivered events a consumer skipped", ["consumer"]),
    consumer_failures=Counter("rj_consumer_failures_total", "Failed deliveries", ["consumer"]),
    dead_letters=Gauge("rj_dead_letters", "Dead letters waiting to be re-driven", ["service"]),
    consumer_lag=Gauge("rj_consumer_lag", "Messages the broker holds for a consumer", ["consumer"]),
    relay_lag=Gauge("rj_relay_lag_seconds", "Seconds from append to publish, newest event", ["relay"]),
)


def log_task_stacks() -> None:
    """Log where every asyncio task of this process is waiting: what an operator (or a fault test)
    needs when something has stopped moving without failing. ``kill -USR2 <pid>`` asks for it."""
    for task in asyncio.all_tasks():
        frames = io.StringIO()
        task.print_stack(limit=30, file=frames)
        structlog.get_logger().warning("service.task_stack", task=task.get_name(), stack=frames.getvalue())


def answer_stack_requests() -> None:
    """Log every task's stack on SIGUSR2 (from the running event loop)."""
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR2, log_task_stacks)

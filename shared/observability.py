"""The Prometheus metrics every service exposes on /metrics (DESIGN D11)."""

from __future__ import annotations

from types import SimpleNamespace

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

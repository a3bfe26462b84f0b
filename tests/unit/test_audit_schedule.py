"""`rj up`'s checkpoint schedule: one at start, then every RJ_AUDIT_CHECKPOINT_MINUTES, never two at once."""

from __future__ import annotations

import threading
from pathlib import Path

from rj import audit


def test_a_checkpoint_is_taken_at_start_then_only_when_due(monkeypatch):
    taken: list[tuple] = []
    release = threading.Event()

    def take(*args):
        taken.append(args)
        release.wait(5)
        raise RuntimeError("store unreachable")  # a failure is logged, never raised into `rj up`

    monkeypatch.setattr(audit, "take_checkpoint", take)
    schedule = audit.CheckpointSchedule("postgresql://db", "nats://broker", Path("/data"), minutes=60)
    schedule.tick()
    schedule.tick()  # the first is still running, and the next is not due
    release.set()
    schedule._thread.join(5)
    schedule.tick()

    assert taken == [("postgresql://db", "nats://broker", Path("/data"))]


def test_the_minutes_come_from_the_environment_and_zero_turns_it_off(monkeypatch):
    monkeypatch.setattr(audit, "take_checkpoint", lambda *args: (_ for _ in ()).throw(AssertionError("taken")))
    monkeypatch.setenv("RJ_AUDIT_CHECKPOINT_MINUTES", "0")
    schedule = audit.CheckpointSchedule("postgresql://db", "nats://broker", Path("/data"))
    schedule.tick()
    assert schedule.every == 0 and schedule._thread is None
    monkeypatch.setenv("RJ_AUDIT_CHECKPOINT_MINUTES", "15")
    assert audit.CheckpointSchedule("postgresql://db", "nats://broker", Path("/data")).every == 15 * 60

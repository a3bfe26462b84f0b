"""An event a rule names arrives → its timers are stored (an immediate send is a timer due now)."""

from __future__ import annotations

from services.notifications.adapters.timers import TimerRow
from services.notifications.domain.decide import decide_event
from services.notifications.domain.rules import rules_for
from services.notifications.domain.timers import Timer, Watch, evolve
from services.notifications.handlers.dependencies import Dependencies
from services.notifications.handlers.recording import read_opened
from shared.envelope import Envelope


def row_of(timer: Timer, stream_id: str) -> TimerRow:
    """A timer as a row: which rule, which event, whom and what it is about: ids and dates only."""
    payload = {
        "rule": timer.rule.id, "stream": stream_id, "source_event_id": str(timer.source_event_id),
        "recipient_id": timer.recipient_id, "about_id": str(timer.about_id) if timer.about_id else None,
        "deadline": timer.deadline.isoformat() if timer.deadline else None,
    }
    return TimerRow(timer.key, "rule", timer.due_at, payload)


async def schedule(envelope: Envelope, deps: Dependencies) -> int:
    """Store the timers ``envelope``'s event sets; how many were new (a redelivery sets none)."""
    event = envelope.event
    if not rules_for(event.event_type):
        return 0
    watch = Watch()
    if hasattr(event, "conference_id") and not getattr(event, "participants", None):
        # A moved or cancelled conference is told to those the scheduling named: read them back.
        for earlier in await read_opened(deps, envelope.recorded.stream_id):
            watch = evolve(watch, earlier.event, earlier.event_id)
    timers = decide_event(event, envelope.event_id, deps.clock.now(), watch)
    new = await deps.timers.schedule([row_of(timer, envelope.recorded.stream_id) for timer in timers])
    if new:
        deps.wake.set()
    return new

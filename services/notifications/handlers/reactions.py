"""What notifications does when referral or casework records something a rule names (DESIGN D8):
store the timers its rules set. Sending happens when they fall due (``firing``), at once for
immediate ones, since the timer loop is woken."""

from __future__ import annotations

from services.notifications.handlers.dependencies import Dependencies
from services.notifications.handlers.scheduling import schedule
from shared.envelope import Envelope


class ScheduleNotifications:
    name = "schedule_notifications"

    async def react(self, envelope: Envelope, deps: Dependencies) -> None:
        await schedule(envelope, deps)


REACTIONS = (ScheduleNotifications(),)

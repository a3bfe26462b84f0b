"""The referral service's use cases, and which one carries out which command.

A handler loads what the rules need, asks the domain to decide, and records the events through
the shared executor; callers say ``handle(command, cause, dependencies)``."""

from __future__ import annotations

from services.referral.domain.commands import (
    ReceiveReferral,
    RecordPartnerEvents,
    RecordProgressView,
    RevokeProgressLink,
)
from services.referral.handlers.dependencies import Dependencies
from services.referral.handlers.partner_events import UpdateRecorded, record_partner_events
from services.referral.handlers.progress import link_stands, record_progress_view, revoke_progress_link
from services.referral.handlers.receive import Submitted, receive_referral
from shared.commands import CommandTable

COMMAND_HANDLERS = CommandTable({
    ReceiveReferral: receive_referral,
    RecordPartnerEvents: record_partner_events,
    RevokeProgressLink: revoke_progress_link,
    RecordProgressView: record_progress_view,
})
handle = COMMAND_HANDLERS.handle

__all__ = ["COMMAND_HANDLERS", "Dependencies", "Submitted", "UpdateRecorded", "handle", "link_stands"]

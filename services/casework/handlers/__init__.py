"""The casework service's use cases, and which one carries out which command: a person's action
on a case, and the reactions to the referral service's events."""

from services.casework.handlers.acting import ActOnCase, act
from services.casework.handlers.dependencies import Dependencies
from services.casework.handlers.opening import NotePartnerNews, OpenCaseFor, note_partner_news, open_case
from shared.commands import CommandTable
from shared.contracts.casework import case_id_for

COMMAND_HANDLERS = CommandTable({
    ActOnCase: act,
    OpenCaseFor: open_case,
    NotePartnerNews: note_partner_news,
})
handle = COMMAND_HANDLERS.handle

__all__ = ["COMMAND_HANDLERS", "ActOnCase", "Dependencies", "NotePartnerNews", "OpenCaseFor", "case_id_for", "handle"]

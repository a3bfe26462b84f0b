"""The notifications service's use cases, and which one carries out which command."""

from services.notifications.handlers.dependencies import Dependencies
from shared.commands import CommandTable

COMMAND_HANDLERS = CommandTable({})
handle = COMMAND_HANDLERS.handle

__all__ = ["COMMAND_HANDLERS", "Dependencies", "handle"]

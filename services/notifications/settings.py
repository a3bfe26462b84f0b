"""Settings of the notifications service (environment, prefix ``RJ_``), read once at start-up."""

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The notifications service's settings; everything shared is inherited."""

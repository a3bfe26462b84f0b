"""Settings of the casework service (environment, prefix ``RJ_``), read once at start-up."""

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The casework service's settings; everything shared is inherited."""

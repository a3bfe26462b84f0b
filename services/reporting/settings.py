"""Settings of the reporting service (environment, prefix ``RJ_``), read once at start-up."""

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The reporting service's settings; everything shared is inherited."""

"""Settings of the reporting service (environment, prefix ``RJ_``)."""

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The reporting service's settings; everything shared is inherited."""


def load() -> Settings:
    return Settings()  # type: ignore[call-arg]  # values come from the environment

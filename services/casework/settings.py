"""Settings of the casework service (environment, prefix ``RJ_``)."""

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The casework service's settings; everything shared is inherited."""


def load() -> Settings:
    return Settings()  # type: ignore[call-arg]  # values come from the environment

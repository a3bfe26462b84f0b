"""Settings of the casework service (environment, prefix ``RJ_``), read once at start-up."""

from pydantic import Field

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The casework service's settings; everything shared is inherited."""

    equality_tally_hours: float = Field(default=24.0, gt=0, description="hours between counts of the ended "
                                        "quarters' equality monitoring (docs/decisions/0006)")

"""The Lambda environment, modelled once (CDK sets these variables; the local cloud sets the same)."""

from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    table_name: str = Field(min_length=3)
    aws_region: str = "us-east-1"
    centre_time_zone: str = Field(default="Asia/Shanghai", description="Zone of ticket-number months.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.centre_time_zone)


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # read from the environment

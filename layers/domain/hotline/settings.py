"""The Lambda environment, modelled once (CDK sets these variables; the local cloud sets the same)."""

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    table_name: str = Field(min_length=3)
    aws_region: str = "us-east-1"
    centre_time_zone: str = Field(default="Asia/Shanghai", description="Zone of ticket-number months.")
    rest_api_id: str = Field(default="", description="The REST API whose stage partner usage plans bind to.")
    api_stage: str = "live"
    pepper_secret_arn: str = Field(
        default="", description="Secrets Manager secret keying the access-code and phone hashes (the API's)."
    )
    clock_state_machine_arn: str = Field(default="", description="The ticket clock; empty runs no clock (API tests).")
    notifications_topic_arn: str = Field(default="", description="SNS topic for units; empty sends nothing.")
    event_bus_name: str = Field(default="", description="Where ticket events are published; empty publishes nothing.")
    webhook_queue_url: str = Field(default="", description="The webhook delivery queue (redeliveries, backing off).")
    webhook_allow_loopback: bool = Field(default=False, description="Local cloud only: deliver to http://127.0.0.1.")
    time_scale: float = Field(default=1.0, gt=0, description="Local cloud only: domain seconds per wall second.")
    time_origin: datetime = Field(
        default_factory=lambda: datetime.now(UTC), description="Local cloud only: where scaled time starts."
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.centre_time_zone)


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # read from the environment

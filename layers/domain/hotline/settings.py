"""The Lambda environment, one model per function, composed of the resource groups the function uses.

Every variable a group needs is required: a missing or misspelt one stops the function's first invocation
with a message naming it, instead of running with no clock, bus or webhooks. CDK sets these variables
(infra/constructs; tests/infra checks every synthesized function against its model), and the local cloud
and the tests set the same. `LocalCloud` is the one group that only the local cloud sets.
"""

from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class _Group(BaseSettings):
    model_config = SettingsConfigDict(frozen=True)


class Table(_Group):
    """Every function: the table, its region (Lambda sets AWS_REGION itself) and the centre's time zone."""

    table_name: str = Field(min_length=3)
    aws_region: str = Field(min_length=1)
    centre_time_zone: str = Field(description="Zone of ticket-number months and local times shown.")

    @field_validator("centre_time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.centre_time_zone)


class HashKey(_Group):
    pepper_secret_arn: str = Field(min_length=1, description="Secret keying the access-code and phone hashes.")


class UsagePlans(_Group):
    rest_api_id: str = Field(min_length=1, description="The REST API whose stage partner usage plans bind to.")
    api_stage: str = Field(min_length=1)


class ClockStarter(_Group):
    clock_state_machine_arn: str = Field(min_length=1, description="The ticket clock's state machine.")
    clock_first_state_machine_arn: str = Field(
        min_length=1, description="The same clock for a ticket's first generation: it wakes before it sleeps."
    )


class DeliveryQueue(_Group):
    webhook_queue_url: str = Field(min_length=1, description="The webhook delivery queue.")


class Bus(_Group):
    event_bus_name: str = Field(min_length=1, description="Where ticket events are published.")


class Notifications(_Group):
    notifications_topic_arn: str = Field(min_length=1, description="The SNS topic units' notifications go to.")


class Site(_Group):
    site_url: str = Field(
        min_length=1,
        description="The public site's base URL, for the links in texts to customers (survey, tracking), and the"
        " one origin whose pages may call the API from a browser (CORS).",
    )

    @property
    def site_origin(self) -> str:
        address = urlsplit(self.site_url)
        return f"{address.scheme}://{address.netloc}"


class ReportFiles(_Group):
    reports_bucket: str = Field(min_length=3, description="The private bucket reports' files are kept in.")


class ReportQueue(_Group):
    report_queue_url: str = Field(min_length=1, description="The queue reports are generated from.")


class ReportMail(_Group):
    report_topic_arn: str = Field(min_length=1, description="The SNS topic report e-mails go to.")


class KnowledgeIndex(_Group):
    knowledge_index_bucket: str = Field(
        min_length=3, description="The private bucket the knowledge search index's image is kept in."
    )


class UploadedFiles(_Group):
    uploads_bucket: str = Field(
        min_length=3, description="The private bucket browsers post tickets' photos and files to."
    )


class ApiSettings(
    Table,
    HashKey,
    UsagePlans,
    ClockStarter,
    DeliveryQueue,
    Site,
    ReportFiles,
    ReportQueue,
    KnowledgeIndex,
    UploadedFiles,
):
    """functions/api: hashes, partners' usage plans, starts clocks, queues redeliveries, links surveys, orders reports
    and links their files, starts the knowledge search index from its image, signs uploads and links the files."""


class ClockSettings(Table):
    """functions/clock: a wake-up reads and writes the ticket only."""


class EventsSettings(Table, HashKey, ClockStarter, Bus, Notifications, Site):
    """functions/events: restarts clocks, publishes events, sends notifications; passes a primary's reply on to its
    bound tickets, whose surveys it opens (links are keyed hashes)."""


class IncidentsSettings(Table, ClockStarter):
    """functions/incidents: detects major incidents in new tickets and binds their tickets (stopping their clocks)."""


class WebhooksSettings(Table, DeliveryQueue):
    """functions/webhooks: posts to partners, backs off through the queue."""


class SurveysSettings(Table, HashKey, ClockStarter, Site):
    """functions/surveys: the sweep sends held texts and surveys (their links are keyed hashes), closes unanswered
    ones and restarts the clocks that moves."""


class AggregatesSettings(Table):
    """functions/aggregates: counts each ticket write's events into the reports' aggregates (the table only)."""


class KnowledgeSettings(Table, KnowledgeIndex):
    """functions/knowledge: brings the knowledge search index's image up to date from the articles."""


class ReportsSettings(Table, Bus, ReportFiles, ReportMail):
    """functions/reports: reads the aggregates, stores the files, announces each report on the bus and by e-mail."""


FUNCTION_SETTINGS: dict[str, type[Table]] = {
    "api": ApiSettings,
    "clock": ClockSettings,
    "events": EventsSettings,
    "incidents": IncidentsSettings,
    "webhooks": WebhooksSettings,
    "surveys": SurveysSettings,
    "aggregates": AggregatesSettings,
    "reports": ReportsSettings,
    "knowledge": KnowledgeSettings,
}
"""Each function's model, by its package under functions/."""


class LocalCloud(BaseSettings):
    """The local cloud only (infra/local sets HOTLINE_LOCAL_*; no deployed function has any): the defaults are AWS."""

    model_config = SettingsConfigDict(env_prefix="HOTLINE_LOCAL_", frozen=True)

    time_scale: float = Field(default=1.0, gt=0, description="Domain seconds per wall second.")
    time_origin: datetime = Field(default_factory=lambda: datetime.now(UTC), description="Where scaled time starts.")
    webhook_loopback: bool = Field(default=False, description="Partners' endpoints may be http://127.0.0.1:<port>.")


class SettingsError(RuntimeError):
    """The environment does not configure the function; the message names every variable at fault."""


S = TypeVar("S", bound=BaseSettings)


def load(model: type[S]) -> S:
    """The model read from the environment, or SettingsError naming what is missing or invalid."""
    try:
        return model()
    except ValidationError as error:
        prefix = str(model.model_config.get("env_prefix") or "")
        problems = [
            f"{(prefix + str(problem['loc'][0])).upper()} "
            + ("is not set" if problem["type"] == "missing" else f"is invalid: {problem['msg']}")
            for problem in error.errors()
        ]
        raise SettingsError(f"{model.__name__}: " + "; ".join(problems)) from None

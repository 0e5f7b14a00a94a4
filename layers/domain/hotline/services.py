"""Composition root: each function's services, wired to AWS from that function's settings once per cold start.

A function builds only what it uses, from a model that requires every variable it reads (hotline.settings):
`api_services()` fails its first request with a SettingsError naming a missing variable rather than
running without a clock, and the clock's wake-up never needs the API's secrets.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import _lru_cache_wrapper, cache, lru_cache
from typing import TypeVar

from hotline.aws.api_gateway import ApiGatewayKeys
from hotline.aws.cloudwatch import EmfMeter
from hotline.aws.eventbridge import EventBridgeBus, EventBridgeReportBus
from hotline.aws.s3 import S3IndexImages, S3ReportFiles, S3Uploads
from hotline.aws.secrets_manager import secret_key
from hotline.aws.sns import SnsNotifier, SnsReportMail, SnsTexter
from hotline.aws.sqs import SqsReportRequests, SqsWebhookQueue
from hotline.aws.step_functions import StepFunctionsRunner
from hotline.domain.base.privacy import Pepper
from hotline.domain.config.admin import ConfigAdmin
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.config.ports import CalendarRepository, HandlingConfigRepository, UnitRepository
from hotline.domain.customers.surveying import SurveyLinks
from hotline.domain.duplicates.admin import DuplicateRulesAdmin
from hotline.domain.duplicates.callers import CustomerFiles
from hotline.domain.duplicates.follow_up import FollowUp
from hotline.domain.duplicates.linking import Linking
from hotline.domain.duplicates.similar import SimilarTickets
from hotline.domain.handling.customer_info import CustomerInfo
from hotline.domain.handling.lifecycle import Lifecycle
from hotline.domain.handling.relay import Relay
from hotline.domain.handling.wake_up import ClockWakeUp
from hotline.domain.incidents.desk import Detector, IncidentDesk
from hotline.domain.incidents.relay import IncidentRelay
from hotline.domain.intake.intake import Intake
from hotline.domain.intake.open311 import Open311
from hotline.domain.intake.reads import PublicReads, TicketQueries
from hotline.domain.knowledge.citations import Citations
from hotline.domain.knowledge.library import KnowledgeBase
from hotline.domain.knowledge.search import LiveIndex
from hotline.domain.partners.admin import PartnerAdmin
from hotline.domain.partners.ports import PartnerDirectory
from hotline.domain.reports.bulletin import Names
from hotline.domain.reports.desk import Aggregator, Publisher, ReportDesk
from hotline.domain.surveys.answering import Surveys
from hotline.domain.surveys.sweep import SurveySweep
from hotline.domain.tickets.ports import CatalogRepository
from hotline.domain.uploads.uploads import Uploads
from hotline.domain.webhooks.delivery import PUBLIC_ENDPOINTS, EndpointPolicy
from hotline.domain.webhooks.sender import WebhookSender
from hotline.domain.webhooks.subscriptions import PartnerWebhooks
from hotline.settings import (
    AggregatesSettings,
    ApiSettings,
    ClockSettings,
    EventsSettings,
    IncidentsSettings,
    KnowledgeSettings,
    LocalCloud,
    ReportsSettings,
    S,
    SurveysSettings,
    Table,
    WebhooksSettings,
    load,
)
from hotline.store.aggregates import DynamoAggregates
from hotline.store.calendars import DynamoCalendarRepository
from hotline.store.code_attempts import DynamoCodeAttempts
from hotline.store.config import DynamoCatalogRepository, DynamoPartnerRepository, DynamoUnitRepository
from hotline.store.config_cache import ConfigCache, FreshConfig
from hotline.store.duplicate_rules import DynamoDuplicateRules
from hotline.store.handling_config import DynamoHandlingConfigRepository
from hotline.store.incidents import DynamoIncidentStore
from hotline.store.knowledge import DynamoKnowledgeStore
from hotline.store.models import TableModels, bind
from hotline.store.reports import DynamoReportRecords
from hotline.store.tickets import DynamoTicketRepository
from hotline.store.webhooks import DynamoDeliveryLog, DynamoWebhookSubscriptions
from hotline.timescale import ScaledClock
from hotline.web.https import HttpTransport, LoopbackAllowed

WEBHOOK_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class ApiServices:
    settings: ApiSettings
    config: ConfigCache
    """The configuration this container keeps: `new_request()` at the start of every invocation."""
    intake: Intake
    queries: TicketQueries
    pepper: Pepper
    public_reads: PublicReads
    catalog: CatalogRepository
    partners: PartnerDirectory
    units: UnitRepository
    partner_admin: PartnerAdmin
    calendars: CalendarRepository
    rules: HandlingConfigRepository
    config_admin: ConfigAdmin
    open311: Open311
    lifecycle: Lifecycle
    customer_info: CustomerInfo
    surveys: Surveys
    partner_webhooks: PartnerWebhooks
    reports: ReportDesk
    knowledge: KnowledgeBase
    """Keeps this container's search index (from the stored image, on first use)."""
    linking: Linking
    similar: SimilarTickets
    customer_files: CustomerFiles
    duplicate_rules: DuplicateRulesAdmin
    incidents: IncidentDesk
    uploads: Uploads


@dataclass(frozen=True)
class ClockServices:
    settings: ClockSettings
    config: ConfigCache
    """The configuration this container keeps: `new_request()` at the start of every wake-up."""
    wake_up: ClockWakeUp
    clock: ScaledClock
    """Domain time, and the wall time the state machine's Wait needs for it."""


@dataclass(frozen=True)
class EventsServices:
    settings: EventsSettings
    relay: Relay
    citations: Citations
    follow_up: FollowUp
    incident_relay: IncidentRelay


@dataclass(frozen=True)
class IncidentsServices:
    settings: IncidentsSettings
    detector: Detector


@dataclass(frozen=True)
class WebhookServices:
    settings: WebhooksSettings
    sender: WebhookSender
    queue: SqsWebhookQueue
    """The sender's own queue: its messages and their backoff are SQS's (receipt handles, visibility)."""


@dataclass(frozen=True)
class AggregatesServices:
    settings: AggregatesSettings
    aggregator: Aggregator


@dataclass(frozen=True)
class ReportsServices:
    settings: ReportsSettings
    publisher: Publisher


@dataclass(frozen=True)
class KnowledgeServices:
    settings: KnowledgeSettings
    index: LiveIndex
    """Kept between runs in a warm container: a run then reads only the change log."""


@dataclass(frozen=True)
class SurveysServices:
    settings: SurveysSettings
    sweep: SurveySweep
    clock: ScaledClock


def _clock() -> ScaledClock:
    local = load(LocalCloud)
    return ScaledClock(local.time_origin, local.time_scale)


def _endpoints() -> EndpointPolicy:
    return LoopbackAllowed() if load(LocalCloud).webhook_loopback else PUBLIC_ENDPOINTS


def _models(config: Table) -> TableModels:
    return bind(config.table_name, config.aws_region)


def _handling_config(
    stored: HandlingConfigRepository, calendars: CalendarRepository, units: UnitRepository
) -> Callable[[], HandlingConfig]:
    """The configuration a ticket is handled under, for each change (from what the container keeps while the
    configuration's stamp stays the same: hotline.store.config_cache)."""

    def current() -> HandlingConfig:
        return HandlingConfig(
            stored.policies(),
            stored.ladder(),
            stored.routing(),
            calendars.get,
            units.get,
            stored.messages,
            stored.causes,
        )

    return current


def _names(models: TableModels) -> Callable[[], Names]:
    """The Chinese names reports give codes, read afresh for each report (admins may change them)."""

    def current() -> Names:
        fresh = FreshConfig(models)
        causes = DynamoHandlingConfigRepository(models, fresh).causes()
        return Names(
            DynamoCatalogRepository(models, fresh).get(), causes, cache(DynamoUnitRepository(models, fresh).get)
        )

    return current


def build_api(config: ApiSettings) -> ApiServices:
    models = _models(config)
    clock = _clock()
    kept = ConfigCache(models)
    tickets = DynamoTicketRepository(models)
    catalog = DynamoCatalogRepository(models, kept)
    partners = DynamoPartnerRepository(models)
    runner = StepFunctionsRunner(
        config.clock_state_machine_arn, config.clock_first_state_machine_arn, config.aws_region, clock
    )
    pepper = Pepper(secret_key(config.pepper_secret_arn, config.aws_region))
    stored, calendars, units = (
        DynamoHandlingConfigRepository(models, kept),
        DynamoCalendarRepository(models, kept),
        DynamoUnitRepository(models, kept),
    )
    rules = _handling_config(stored, calendars, units)
    knowledge = DynamoKnowledgeStore(models)
    uploads = Uploads(S3Uploads(config.uploads_bucket, config.aws_region), clock)
    intake = Intake(
        tickets=tickets,
        catalog=catalog,
        clock=clock,
        zone=config.zone,
        rules=rules,
        runner=runner,
        pepper=pepper,
        site=config.site_url,
        articles=knowledge,
        uploads=uploads,
    )
    attempts = DynamoCodeAttempts(models)
    public_reads = PublicReads(tickets)
    duplicate_rules = DynamoDuplicateRules(models, kept)
    return ApiServices(
        settings=config,
        config=kept,
        intake=intake,
        queries=TicketQueries(tickets, pepper, attempts, clock, catalog),
        pepper=pepper,
        public_reads=public_reads,
        catalog=catalog,
        partners=partners,
        units=units,
        partner_admin=PartnerAdmin(
            partners=partners, keys=ApiGatewayKeys(config.rest_api_id, config.api_stage, config.aws_region), clock=clock
        ),
        calendars=calendars,
        rules=stored,
        config_admin=ConfigAdmin(calendars, stored, units),
        open311=Open311(catalog, partners, public_reads, intake, clock, config.zone),
        lifecycle=Lifecycle(
            tickets, rules, clock, runner=runner, links=SurveyLinks(config.site_url, pepper), articles=knowledge
        ),
        linking=Linking(tickets, rules, clock, runner=runner),
        similar=SimilarTickets(tickets, duplicate_rules.get, clock),
        customer_files=CustomerFiles(tickets, clock),
        duplicate_rules=DuplicateRulesAdmin(duplicate_rules),
        incidents=IncidentDesk(
            tickets,
            rules,
            clock,
            store=DynamoIncidentStore(models, kept),
            runner=runner,
            catalog=catalog,
            links=SurveyLinks(config.site_url, pepper),
        ),
        customer_info=CustomerInfo(tickets, rules, clock, runner=runner, pepper=pepper, attempts=attempts),
        surveys=Surveys(tickets, rules, clock, runner=runner, pepper=pepper, attempts=attempts, queue=tickets),
        partner_webhooks=PartnerWebhooks(
            DynamoWebhookSubscriptions(models),
            DynamoDeliveryLog(models, clock),
            SqsWebhookQueue(config.webhook_queue_url, config.aws_region, clock),
            clock,
            _endpoints(),
        ),
        knowledge=KnowledgeBase(
            knowledge,
            catalog,
            units,
            clock,
            config.zone,
            images=S3IndexImages(config.knowledge_index_bucket, config.aws_region),
        ),
        reports=ReportDesk(
            aggregates=DynamoAggregates(models),
            records=DynamoReportRecords(models, kept),
            files=S3ReportFiles(config.reports_bucket, config.aws_region),
            requests=SqsReportRequests(config.report_queue_url, config.aws_region),
            names=_names(models),
            clock=clock,
            zone=config.zone,
        ),
        uploads=uploads,
    )


def build_clock(config: ClockSettings) -> ClockServices:
    models = _models(config)
    clock = _clock()
    kept = ConfigCache(models)
    return ClockServices(
        settings=config,
        config=kept,
        wake_up=ClockWakeUp(
            DynamoTicketRepository(models),
            _handling_config(
                DynamoHandlingConfigRepository(models, kept),
                DynamoCalendarRepository(models, kept),
                DynamoUnitRepository(models, kept),
            ),
            clock,
        ),
        clock=clock,
    )


def build_events(config: EventsSettings) -> EventsServices:
    models = _models(config)
    clock = _clock()
    runner = StepFunctionsRunner(
        config.clock_state_machine_arn, config.clock_first_state_machine_arn, config.aws_region, clock
    )
    fresh = FreshConfig(models)
    rules = _handling_config(
        DynamoHandlingConfigRepository(models, fresh),
        DynamoCalendarRepository(models, fresh),
        DynamoUnitRepository(models, fresh),
    )
    pepper = Pepper(secret_key(config.pepper_secret_arn, config.aws_region))
    bus = EventBridgeBus(config.event_bus_name, config.aws_region)
    notifier = SnsNotifier(config.notifications_topic_arn, config.aws_region)
    return EventsServices(
        settings=config,
        relay=Relay(runner=runner, bus=bus, notifier=notifier, texter=SnsTexter(config.aws_region)),
        incident_relay=IncidentRelay(bus=bus, notifier=notifier, meter=EmfMeter()),
        citations=Citations(DynamoKnowledgeStore(models)),
        follow_up=FollowUp(
            DynamoTicketRepository(models),
            rules,
            clock,
            runner=runner,
            links=SurveyLinks(config.site_url, pepper),
            duplicate_rules=DynamoDuplicateRules(models).get,
        ),
    )


def build_incidents(config: IncidentsSettings) -> IncidentsServices:
    models = _models(config)
    clock = _clock()
    fresh = FreshConfig(models)
    return IncidentsServices(
        settings=config,
        detector=Detector(
            DynamoTicketRepository(models),
            _handling_config(
                DynamoHandlingConfigRepository(models, fresh),
                DynamoCalendarRepository(models, fresh),
                DynamoUnitRepository(models, fresh),
            ),
            clock,
            store=DynamoIncidentStore(models),
            runner=StepFunctionsRunner(
                config.clock_state_machine_arn, config.clock_first_state_machine_arn, config.aws_region, clock
            ),
            catalog=DynamoCatalogRepository(models, fresh),
        ),
    )


def build_webhooks(config: WebhooksSettings) -> WebhookServices:
    models = _models(config)
    clock = _clock()
    return WebhookServices(
        settings=config,
        sender=WebhookSender(
            DynamoWebhookSubscriptions(models),
            DynamoDeliveryLog(models, clock),
            HttpTransport(WEBHOOK_TIMEOUT_SECONDS, _endpoints()),
            clock,
            signing_clock=ScaledClock(clock.origin),
        ),
        queue=SqsWebhookQueue(config.webhook_queue_url, config.aws_region, clock),
    )


def build_surveys(config: SurveysSettings) -> SurveysServices:
    models = _models(config)
    clock = _clock()
    fresh = FreshConfig(models)
    rules = _handling_config(
        DynamoHandlingConfigRepository(models, fresh),
        DynamoCalendarRepository(models, fresh),
        DynamoUnitRepository(models, fresh),
    )
    pepper = Pepper(secret_key(config.pepper_secret_arn, config.aws_region))
    return SurveysServices(
        settings=config,
        sweep=SurveySweep(
            DynamoTicketRepository(models),
            rules,
            clock,
            runner=StepFunctionsRunner(
                config.clock_state_machine_arn, config.clock_first_state_machine_arn, config.aws_region, clock
            ),
            links=SurveyLinks(config.site_url, pepper),
        ),
        clock=clock,
    )


def build_aggregates(config: AggregatesSettings) -> AggregatesServices:
    return AggregatesServices(settings=config, aggregator=Aggregator(DynamoAggregates(_models(config)), config.zone))


def build_knowledge(config: KnowledgeSettings) -> KnowledgeServices:
    images = S3IndexImages(config.knowledge_index_bucket, config.aws_region)
    return KnowledgeServices(settings=config, index=LiveIndex(DynamoKnowledgeStore(_models(config)), images))


def build_reports(config: ReportsSettings) -> ReportsServices:
    models = _models(config)
    return ReportsServices(
        settings=config,
        publisher=Publisher(
            aggregates=DynamoAggregates(models),
            records=DynamoReportRecords(models),
            files=S3ReportFiles(config.reports_bucket, config.aws_region),
            announcers=(
                EventBridgeReportBus(config.event_bus_name, config.aws_region),
                SnsReportMail(config.report_topic_arn, config.aws_region),
            ),
            names=_names(models),
            clock=_clock(),
            zone=config.zone,
        ),
    )


T = TypeVar("T")


def _per_container(build: Callable[[S], T], settings: type[S]) -> "_lru_cache_wrapper[T]":
    """A function's services, built from its settings on first use (its cold start) and kept for the container's
    life; a missing or misspelt variable fails that first use."""

    @lru_cache(maxsize=1)
    def services() -> T:
        return build(load(settings))

    return services


api_services = _per_container(build_api, ApiSettings)
clock_services = _per_container(build_clock, ClockSettings)
events_services = _per_container(build_events, EventsSettings)
incidents_services = _per_container(build_incidents, IncidentsSettings)
webhook_services = _per_container(build_webhooks, WebhooksSettings)
surveys_services = _per_container(build_surveys, SurveysSettings)
aggregates_services = _per_container(build_aggregates, AggregatesSettings)
reports_services = _per_container(build_reports, ReportsSettings)
knowledge_services = _per_container(build_knowledge, KnowledgeSettings)

"""Composition root: each function's services, wired to AWS from that function's settings once per cold start.

A function builds only what it uses, from a model that requires every variable it reads (hotline.settings):
`api_services()` fails its first request with a SettingsError naming a missing variable rather than
running without a clock, and the clock's wake-up never needs the API's secrets.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from hotline.aws.api_gateway import ApiGatewayKeys
from hotline.aws.eventbridge import EventBridgeBus
from hotline.aws.secrets_manager import secret_key
from hotline.aws.sns import SnsNotifier
from hotline.aws.sqs import SqsWebhookQueue
from hotline.aws.step_functions import StepFunctionsRunner
from hotline.domain.base.privacy import Pepper
from hotline.domain.config.admin import ConfigAdmin
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.config.ports import CalendarRepository, HandlingConfigRepository, UnitRepository
from hotline.domain.handling.lifecycle import Lifecycle
from hotline.domain.handling.relay import Relay
from hotline.domain.handling.wake_up import ClockWakeUp
from hotline.domain.intake.intake import Intake
from hotline.domain.intake.open311 import Open311
from hotline.domain.intake.reads import PublicReads, TicketQueries
from hotline.domain.partners.admin import PartnerAdmin
from hotline.domain.partners.ports import PartnerDirectory
from hotline.domain.tickets.ports import CatalogRepository
from hotline.domain.webhooks.delivery import PUBLIC_ENDPOINTS, EndpointPolicy
from hotline.domain.webhooks.sender import WebhookSender
from hotline.domain.webhooks.subscriptions import PartnerWebhooks
from hotline.settings import ApiSettings, ClockSettings, EventsSettings, LocalCloud, Table, WebhooksSettings, load
from hotline.store.calendars import DynamoCalendarRepository
from hotline.store.code_attempts import DynamoCodeAttempts
from hotline.store.config import DynamoCatalogRepository, DynamoPartnerRepository, DynamoUnitRepository
from hotline.store.config_cache import ConfigCache
from hotline.store.handling_config import DynamoHandlingConfigRepository
from hotline.store.models import TableModels, bind
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
    partner_webhooks: PartnerWebhooks


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


@dataclass(frozen=True)
class WebhookServices:
    settings: WebhooksSettings
    sender: WebhookSender
    queue: SqsWebhookQueue
    """The sender's own queue: its messages and their backoff are SQS's (receipt handles, visibility)."""


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
        return HandlingConfig(stored.policies(), stored.ladder(), stored.routing(), calendars.get, units.get)

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
    intake = Intake(
        tickets=tickets, catalog=catalog, clock=clock, zone=config.zone, rules=rules, runner=runner, pepper=pepper
    )
    public_reads = PublicReads(tickets)
    return ApiServices(
        settings=config,
        config=kept,
        intake=intake,
        queries=TicketQueries(tickets, pepper, DynamoCodeAttempts(models), clock),
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
        lifecycle=Lifecycle(tickets, rules, clock, runner=runner),
        partner_webhooks=PartnerWebhooks(
            DynamoWebhookSubscriptions(models),
            DynamoDeliveryLog(models, clock),
            SqsWebhookQueue(config.webhook_queue_url, config.aws_region, clock),
            clock,
            _endpoints(),
        ),
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
    return EventsServices(
        settings=config,
        relay=Relay(
            runner=StepFunctionsRunner(
                config.clock_state_machine_arn, config.clock_first_state_machine_arn, config.aws_region, _clock()
            ),
            bus=EventBridgeBus(config.event_bus_name, config.aws_region),
            notifier=SnsNotifier(config.notifications_topic_arn, config.aws_region),
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


@lru_cache(maxsize=1)
def api_services() -> ApiServices:
    return build_api(load(ApiSettings))


@lru_cache(maxsize=1)
def clock_services() -> ClockServices:
    return build_clock(load(ClockSettings))


@lru_cache(maxsize=1)
def events_services() -> EventsServices:
    return build_events(load(EventsSettings))


@lru_cache(maxsize=1)
def webhook_services() -> WebhookServices:
    return build_webhooks(load(WebhooksSettings))

"""Composition root: the domain services wired to DynamoDB and the system clock, built once per cold start."""

from dataclasses import dataclass
from functools import lru_cache

from hotline.domain.base.privacy import Pepper
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.handling.lifecycle import Lifecycle
from hotline.domain.handling.relay import Relay
from hotline.domain.handling.wake_up import ClockWakeUp
from hotline.domain.intake.intake import Intake
from hotline.domain.intake.reads import PublicReads, TicketQueries
from hotline.domain.partners.admin import PartnerAdmin
from hotline.domain.webhooks.sender import WebhookSender
from hotline.domain.webhooks.subscriptions import PartnerWebhooks
from hotline.settings import Settings, settings
from hotline.store.api_keys import ApiGatewayKeys
from hotline.store.calendars import DynamoCalendarRepository
from hotline.store.clock_runner import StepFunctionsRunner
from hotline.store.code_attempts import DynamoCodeAttempts
from hotline.store.config import DynamoCatalogRepository, DynamoPartnerRepository, DynamoUnitRepository
from hotline.store.event_bus import EventBridgeBus
from hotline.store.handling_config import DynamoHandlingConfigRepository
from hotline.store.models import bind
from hotline.store.notifier import SnsNotifier
from hotline.store.secrets import secret_key
from hotline.store.tickets import DynamoTicketRepository
from hotline.store.webhook_queue import SqsWebhookQueue
from hotline.store.webhook_transport import HttpTransport
from hotline.store.webhooks import DynamoDeliveryLog, DynamoWebhookSubscriptions
from hotline.timescale import ScaledClock

WEBHOOK_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Services:
    intake: Intake
    queries: TicketQueries
    pepper: Pepper
    public_reads: PublicReads
    catalog: DynamoCatalogRepository
    partners: DynamoPartnerRepository
    units: DynamoUnitRepository
    partner_admin: PartnerAdmin
    calendars: DynamoCalendarRepository
    rules: DynamoHandlingConfigRepository
    lifecycle: Lifecycle
    wake_up: ClockWakeUp
    runner: StepFunctionsRunner
    relay: Relay
    partner_webhooks: PartnerWebhooks
    webhook_sender: WebhookSender
    webhook_queue: SqsWebhookQueue


def build(config: Settings) -> Services:
    models = bind(config.table_name, config.aws_region)
    tickets = DynamoTicketRepository(models)
    catalog = DynamoCatalogRepository(models)
    partners = DynamoPartnerRepository(models)
    keys = ApiGatewayKeys(config.rest_api_id, config.api_stage, config.aws_region)
    clock = ScaledClock(config.time_origin, config.time_scale)
    calendars = DynamoCalendarRepository(models)
    units = DynamoUnitRepository(models)
    stored_rules = DynamoHandlingConfigRepository(models)
    runner = StepFunctionsRunner(config.clock_state_machine_arn, config.aws_region, clock)
    subscriptions = DynamoWebhookSubscriptions(models)
    deliveries = DynamoDeliveryLog(models, clock)
    webhook_queue = SqsWebhookQueue(config.webhook_queue_url, config.aws_region, clock)
    loopback = config.webhook_allow_loopback
    pepper = Pepper(secret_key(config.pepper_secret_arn, config.aws_region))

    def rules() -> HandlingConfig:
        return HandlingConfig(
            stored_rules.policies(), stored_rules.ladder(), stored_rules.routing(), calendars.get, units.get
        )

    return Services(
        intake=Intake(
            tickets=tickets, catalog=catalog, clock=clock, zone=config.zone, rules=rules, runner=runner, pepper=pepper
        ),
        queries=TicketQueries(tickets, pepper, DynamoCodeAttempts(models), clock),
        pepper=pepper,
        public_reads=PublicReads(tickets),
        catalog=catalog,
        partners=partners,
        units=units,
        partner_admin=PartnerAdmin(partners=partners, keys=keys, clock=clock),
        calendars=calendars,
        rules=stored_rules,
        lifecycle=Lifecycle(tickets, rules, clock, runner=runner),
        wake_up=ClockWakeUp(tickets, rules, clock),
        runner=runner,
        relay=Relay(
            runner=runner,
            bus=EventBridgeBus(config.event_bus_name, config.aws_region),
            notifier=SnsNotifier(config.notifications_topic_arn, config.aws_region),
        ),
        partner_webhooks=PartnerWebhooks(subscriptions, deliveries, webhook_queue, clock, allow_loopback=loopback),
        webhook_sender=WebhookSender(
            subscriptions,
            deliveries,
            HttpTransport(WEBHOOK_TIMEOUT_SECONDS, allow_loopback=loopback),
            clock,
            signing_clock=ScaledClock(clock.origin),
        ),
        webhook_queue=webhook_queue,
    )


@lru_cache(maxsize=1)
def services() -> Services:
    return build(settings())

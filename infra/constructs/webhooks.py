"""Webhooks: a bus rule queues partners' ticket events; the sender posts them, backing off through the queue.

A message that fails `MAX_ATTEMPTS` times moves to the dead-letter queue (and raises an alarm); the
partner, or an operator redriving the queue, can send it again. An event the rule cannot put on the queue
for a day goes to a dead-letter queue of its own (alarmed too).
"""

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from constructs import Construct
from hotline.domain.tickets.publication import SOURCE
from hotline.domain.webhooks.delivery import MAX_ATTEMPTS

from infra.constructs.alarms import dead_letters_alarm
from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers
from infra.constructs.queues import dead_letter_queue, queue_target, work_queue

TARGET_RETRY_ATTEMPTS = 185  # EventBridge's most: retries spread over `max_event_age`
SENDER_TIMEOUT = Duration.seconds(60)  # a batch of 5 posts with a 5 s timeout each, with room to spare
BATCH_SIZE = 5
# The sender reads the partner's endpoint and its delivery record, and writes the record.
SENDER_TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DescribeTable")


class Webhooks(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bus: events.IEventBus,
        table: dynamodb.ITable,
        layers: SharedLayers,
        environment: dict[str, str],
    ) -> None:
        super().__init__(scope, id)
        self.dead_letters = dead_letter_queue(self, "DeadLetters", holds="It is the deliveries' dead-letter queue.")
        self.queue = work_queue(
            self,
            "Deliveries",
            consumer_timeout=SENDER_TIMEOUT,
            dead_letters=self.dead_letters,
            max_receives=MAX_ATTEMPTS,
        )
        # Events the rule could not put on the queue (throttled, the queue's policy or key refused) after a
        # day of EventBridge's retries, kept for replay.
        self.unqueued = dead_letter_queue(self, "Unqueued", holds="It is the rule target's dead-letter queue.")
        events.Rule(
            self,
            "PartnerTicketEvents",
            event_bus=bus,
            description="Every event of a partner's ticket, for its webhook.",
            event_pattern=events.EventPattern(source=[SOURCE], detail={"partner_id": [{"exists": True}]}),
            targets=[queue_target(self.queue, retry_attempts=TARGET_RETRY_ATTEMPTS, dead_letters=self.unqueued)],
        )
        self.function = python_function(
            self,
            "Sender",
            package="webhooks",
            layers=layers,
            memory_size=256,
            timeout=SENDER_TIMEOUT,
            environment={**environment, "WEBHOOK_QUEUE_URL": self.queue.queue_url},
        )
        table.grant(self.function, *SENDER_TABLE_ACTIONS)
        self.function.add_event_source(
            sources.SqsEventSource(self.queue, batch_size=BATCH_SIZE, report_batch_item_failures=True)
        )
        self.alarm = dead_letters_alarm(
            self,
            "DeadLettersAlarm",
            self.dead_letters,
            "Webhook deliveries gave up after every retry; partners can redeliver them.",
        )
        dead_letters_alarm(
            self,
            "UnqueuedAlarm",
            self.unqueued,
            "Partner ticket events never reached the delivery queue; their webhooks miss them until replayed.",
        )

    def let_redeliver(self, function: lambda_.Function) -> None:
        """`function` (the API) queues redeliveries that partners ask for."""
        function.add_environment("WEBHOOK_QUEUE_URL", self.queue.queue_url)
        self.queue.grant_send_messages(function)

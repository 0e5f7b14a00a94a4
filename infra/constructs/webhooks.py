"""Webhooks: a bus rule queues partners' ticket events; the sender posts them, backing off through the queue.

A message that fails `MAX_ATTEMPTS` times moves to the dead-letter queue (and raises an alarm); the
partner, or an operator redriving the queue, can send it again.
"""

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from hotline.domain.publication import SOURCE
from hotline.domain.webhooks import MAX_ATTEMPTS

from infra.constructs.alarms import dead_letters_alarm
from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers

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
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.queue = sqs.Queue(
            self,
            "Deliveries",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(SENDER_TIMEOUT.to_seconds() * 6),  # AWS advice for Lambda consumers
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letters, max_receive_count=MAX_ATTEMPTS),
        )
        events.Rule(
            self,
            "PartnerTicketEvents",
            event_bus=bus,
            description="Every event of a partner's ticket, for its webhook.",
            event_pattern=events.EventPattern(source=[SOURCE], detail={"partner_id": [{"exists": True}]}),
            targets=[targets.SqsQueue(self.queue)],
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

    def let_redeliver(self, function: lambda_.Function) -> None:
        """`function` (the API) queues redeliveries that partners ask for."""
        function.add_environment("WEBHOOK_QUEUE_URL", self.queue.queue_url)
        self.queue.grant_send_messages(function)

"""Ticket events and notifications leave the table through its stream: a function publishes each write's events on
the bus and sends its notifications to the units' topic (granted by the ticket clock's `let_notify`)."""

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.alarms import dead_letters_alarm
from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers
from infra.nag import acknowledge


class TicketEvents(Construct):
    def __init__(
        self, scope: Construct, id: str, *, table: dynamodb.ITable, layers: SharedLayers, environment: dict[str, str]
    ) -> None:
        super().__init__(scope, id)
        self.bus = events.EventBus(self, "Bus")
        self.function = python_function(
            self,
            "Function",
            package="events",
            layers=layers,
            memory_size=256,
            timeout=Duration.seconds(30),
            environment={**environment, "EVENT_BUS_NAME": self.bus.event_bus_name},
        )
        self.bus.grant_put_events_to(self.function)
        # Writes the stream could not publish after every retry: their sequence numbers, kept for replay.
        self.unpublished = sqs.Queue(
            self,
            "Unpublished",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        acknowledge(
            self.unpublished, "AwsSolutions::AwsSolutions-SQS3", "It is the stream's own dead-letter destination."
        )
        self.function.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=100,
                bisect_batch_on_error=True,
                retry_attempts=10,
                report_batch_item_failures=True,
                on_failure=sources.SqsDlq(self.unpublished),
                # Only ticket items carry an outbox; their timeline items would wake the function for nothing.
                filters=[lambda_.FilterCriteria.filter({"dynamodb": {"Keys": {"sk": {"S": ["TICKET"]}}}})],
            )
        )
        acknowledge(
            self.function,
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "dynamodb:ListStreams accepts no narrower resource; reading records is limited to the table's stream.",
        )
        self.alarm = dead_letters_alarm(
            self,
            "UnpublishedAlarm",
            self.unpublished,
            "Ticket events or notifications could not be published; webhooks, reports and units miss them until"
            " replayed.",
        )

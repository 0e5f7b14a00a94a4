"""Ticket events and notifications leave the table through its stream: a function publishes each write's events on
the bus, sends its notifications to the units' topic (granted by the ticket clock's `let_notify`) and its texts to
the customer as SMS."""

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from constructs import Construct

from infra.constructs.alarms import dead_letters_alarm
from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers
from infra.constructs.queues import dead_letter_queue
from infra.nag import acknowledge

FOLLOW_UP_READS = ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:DescribeTable")


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
        # A primary's reply reaches its bound tickets and repeat complaints are flagged (hotline/domain/duplicates):
        # it reads tickets (by number, a caller's by phone hash) and the configuration, and writes only tickets.
        table.grant(self.function, *FOLLOW_UP_READS)
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["dynamodb:PutItem"],
                resources=[table.table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["TICKET#*"]}},
            )
        )
        # Citations of knowledge articles by direct answers (hotline/store/knowledge.py): a marker per ticket and a
        # counter under the article, once the article is known; nothing else in the table.
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["dynamodb:PutItem", "dynamodb:UpdateItem"],
                resources=[table.table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ARTICLE#*"]}},
            )
        )
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["dynamodb:ConditionCheckItem"],
                resources=[table.table_arn],
                conditions={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["KNOWLEDGE"]}},
            )
        )
        # An SMS is published to a phone number, not to a topic: SNS authorizes it against no ARN, so the resource can
        # only be "*" (there is no condition key for the number either).
        self.function.add_to_role_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=["*"]))
        # Writes the stream could not publish after every retry: their sequence numbers, kept for replay.
        self.unpublished = dead_letter_queue(
            self, "Unpublished", holds="It is the stream's own dead-letter destination."
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
                # Only tickets and major incidents carry an outbox; timelines, claims … would wake it for nothing.
                filters=[
                    lambda_.FilterCriteria.filter(
                        {"dynamodb": {"Keys": {"sk": {"S": ["TICKET", {"prefix": "INCIDENT#"}]}}}}
                    )
                ],
            )
        )
        acknowledge(
            self.function,
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "dynamodb:ListStreams accepts no narrower resource (reading records is limited to the table's stream), nor"
            " does sns:Publish of an SMS to a phone number, which SNS authorizes against no ARN or condition key.",
        )
        self.alarm = dead_letters_alarm(
            self,
            "UnpublishedAlarm",
            self.unpublished,
            "Ticket events or notifications could not be published; webhooks, reports and units miss them until"
            " replayed.",
        )

"""Major incidents (重大事件): detection off the request path, and the alarm that pages ops when one is declared.

- A bus rule puts every `ticket.created` on the `Detections` queue; the `incidents` function looks at each new ticket
  (functions/incidents). The table stream already has its two readers (events, aggregates: more would be throttled),
  and the event bus carries every ticket write's events anyway. EventBridge retries a refused put for a day, SQS
  retries a failed look (its visibility timeout) up to MAX_RECEIVES times; what still fails waits in `DeadLetters`,
  alarmed, for a redrive (looking again is harmless).
- The events function, which hands on each incident write from the stream, counts declarations as the EMF metric
  `Hotline/IncidentsDeclared` (hotline/aws/cloudwatch.py); an alarm on it notifies the ops topic (as every alarm does),
  and leadership hears through the units' notifications topic.
"""

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as sources
from constructs import Construct
from hotline.aws.cloudwatch import INCIDENTS_DECLARED, NAMESPACE, SERVICE
from hotline.domain.tickets.publication import SOURCE

from infra.constructs.alarms import any_alarm, dead_letters_alarm
from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers
from infra.constructs.queues import dead_letter_queue, queue_target, work_queue

LOOK_TIMEOUT = Duration.seconds(60)
MAX_RECEIVES = 5
TARGET_RETRY_ATTEMPTS = 185  # EventBridge's most: with its backoff, about a day
# Reads tickets (by number, a category's recent ones through its index), claims, holds, incidents and the
# configuration; writes in transactions: tickets it binds, incidents, claims, holds.
READS = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable")
WRITTEN_KEYS = ("TICKET#*", "INCIDENTS", "INCIDENTAREA#*")


class Incidents(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table: dynamodb.ITable,
        bus: events.IEventBus,
        layers: SharedLayers,
        environment: dict[str, str],
    ) -> None:
        super().__init__(scope, id)
        self.dead_letters = dead_letter_queue(self, "DeadLetters", holds="It is the detection's dead-letter queue.")
        self.queue = work_queue(
            self,
            "Detections",
            consumer_timeout=LOOK_TIMEOUT,
            dead_letters=self.dead_letters,
            max_receives=MAX_RECEIVES,
        )
        events.Rule(
            self,
            "NewTickets",
            event_bus=bus,
            description="Every new ticket, for major-incident detection.",
            event_pattern=events.EventPattern(source=[SOURCE], detail_type=["ticket.created"]),
            targets=[queue_target(self.queue, retry_attempts=TARGET_RETRY_ATTEMPTS, dead_letters=self.dead_letters)],
        )
        self.function = python_function(
            self,
            "Detector",
            package="incidents",
            layers=layers,
            memory_size=256,
            timeout=LOOK_TIMEOUT,
            environment=environment,
        )
        table.grant(self.function, *READS)
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["dynamodb:PutItem", "dynamodb:ConditionCheckItem"],
                resources=[table.table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(WRITTEN_KEYS)}},
            )
        )
        self.function.add_event_source(
            sources.SqsEventSource(self.queue, batch_size=10, report_batch_item_failures=True)
        )
        dead_letters_alarm(
            self,
            "DeadLettersAlarm",
            self.dead_letters,
            "New tickets could not be looked at for major incidents after every retry; redrive them.",
        )
        any_alarm(
            self,
            "ErrorsAlarm",
            self.function.metric_errors(period=Duration.minutes(5)),
            "Looking at a new ticket for a major incident failed (SQS retries it).",
        )
        self.declared = cloudwatch.Metric(
            namespace=NAMESPACE,
            metric_name=INCIDENTS_DECLARED,
            dimensions_map={"service": SERVICE},
            statistic=cloudwatch.Stats.SUM,
            period=Duration.minutes(1),
        )
        self.alarm = any_alarm(
            self,
            "DeclaredAlarm",
            self.declared,
            "A major incident (重大事件) was declared: see GET /v1/staff/incidents; leadership has been notified.",
        )

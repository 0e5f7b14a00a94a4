"""Reports and unit assessment: the aggregates kept from the table stream, and the bulletins generated from them.

- `aggregates` (functions/aggregates): the table stream's second consumer counts each ticket write's events into
  per-day counters (retried, bisected, then parked in `Uncounted`, alarmed). A consumer of its own, so counting and
  sending (functions/events) never repeat each other's work on a retry; DynamoDB streams serve two consumers per shard
  without throttling, so any further reader of ticket events should subscribe to the event bus instead.
- `reports` (functions/reports) generates from the `Requests` queue: EventBridge Scheduler puts the daily (08:00, the
  previous day), weekly (Monday), monthly (the configured day, default the 5th) and annual (January, that day) firings
  on it in the centre's zone, the API the on-demand orders. SQS retries a failed generation and parks it in
  `DeadLetters` after MAX_RECEIVES, where Scheduler also puts what it could not deliver; both are alarmed.
- The files go to a private, encrypted bucket (downloads by presigned links from the API); each report is announced
  as `report.published` on the bus and by e-mail to the `Mail` topic's subscribers (`-c report_emails=a@x,b@y`).
"""

from aws_cdk import Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.constructs.alarms import any_alarm, dead_letters_alarm
from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers
from infra.constructs.queues import dead_letter_queue, work_queue
from infra.constructs.storage import private_bucket
from infra.nag import acknowledge

FILES = "reports/*"
"""Every report's files are under this prefix (hotline/domain/reports/desk.py names them)."""
GENERATION_TIMEOUT = Duration.minutes(5)
MAX_RECEIVES = 3
TARGET_RETRY_ATTEMPTS = 3
MAX_EVENT_AGE = Duration.hours(6)
"""A bulletin delivered late is still wanted; Scheduler gives up after this."""


def schedules(monthly_day: int) -> dict[str, str]:
    """Each scheduled kind's cron expression, at 08:00 in the centre's zone."""
    if not 1 <= monthly_day <= 28:
        raise ValueError("the monthly report's day must be 1-28 (every month has it)")
    return {
        "daily": "cron(0 8 * * ? *)",
        "weekly": "cron(0 8 ? * MON *)",
        "monthly": f"cron(0 8 {monthly_day} * ? *)",
        "annual": f"cron(0 8 {monthly_day} 1 ? *)",
    }


AGGREGATES_TABLE_ACTIONS = ("dynamodb:PutItem", "dynamodb:UpdateItem")
REPORTS_TABLE_ACTIONS = (
    "dynamodb:Query",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)


def _only_keys(*prefixes: str) -> dict[str, dict[str, list[str]]]:
    return {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(prefixes)}}


class Reports(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table: dynamodb.ITable,
        bus: events.IEventBus,
        layers: SharedLayers,
        environment: dict[str, str],
        time_zone: str,
        monthly_day: int = 5,
        emails: tuple[str, ...] = (),
    ) -> None:
        super().__init__(scope, id)
        self._aggregates(table, layers, environment)
        self.bucket = private_bucket(
            self,
            "Files",
            unlogged_because="Only the reports function writes and the API function reads it (presigning"
            " downloads); both are logged per request, so server access logs would add a second, costlier record of"
            " the same reads.",
        )
        self.mail = sns.Topic(
            self,
            "Mail",
            display_name="Hotline reports",
            master_key=kms.Alias.from_alias_name(self, "SnsKey", "alias/aws/sns"),
            enforce_ssl=True,
        )
        for address in emails:
            self.mail.add_subscription(subscriptions.EmailSubscription(address))
        self.dead_letters = dead_letter_queue(self, "DeadLetters", holds="It is the reports' dead-letter queue.")
        self.requests = work_queue(
            self,
            "Requests",
            consumer_timeout=GENERATION_TIMEOUT,
            dead_letters=self.dead_letters,
            max_receives=MAX_RECEIVES,
        )
        self.function = python_function(
            self,
            "Generator",
            package="reports",
            layers=layers,
            memory_size=1024,
            timeout=GENERATION_TIMEOUT,
            environment={
                **environment,
                "EVENT_BUS_NAME": bus.event_bus_name,
                "REPORTS_BUCKET": self.bucket.bucket_name,
                "REPORT_TOPIC_ARN": self.mail.topic_arn,
            },
        )
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=list(REPORTS_TABLE_ACTIONS),
                resources=[table.table_arn],
                conditions=_only_keys("AGG#*", "REPORT#*", "REPORTS", "REPORTS#*", "CONFIG#*", "UNIT#*"),
            )
        )
        self.function.add_to_role_policy(
            iam.PolicyStatement(actions=["s3:PutObject"], resources=[self.bucket.arn_for_objects(FILES)])
        )
        bus.grant_put_events_to(self.function)
        self.mail.grant_publish(self.function)
        self.function.add_event_source(
            sources.SqsEventSource(self.requests, batch_size=1, report_batch_item_failures=True)
        )
        self._schedules(time_zone, monthly_day)
        self.alarm = dead_letters_alarm(
            self,
            "DeadLettersAlarm",
            self.dead_letters,
            "Reports could not be generated after every retry (or a schedule could not ask for one); redrive them.",
        )
        any_alarm(
            self,
            "ErrorsAlarm",
            self.function.metric_errors(period=Duration.minutes(5)),
            "Generating a report failed (SQS retries it).",
        )

    def _aggregates(self, table: dynamodb.ITable, layers: SharedLayers, environment: dict[str, str]) -> None:
        self.aggregator = python_function(
            self,
            "Aggregator",
            package="aggregates",
            layers=layers,
            memory_size=256,
            timeout=Duration.seconds(60),
            environment=environment,
        )
        # It writes counters and the markers of counted events, nothing else.
        self.aggregator.add_to_role_policy(
            iam.PolicyStatement(
                actions=list(AGGREGATES_TABLE_ACTIONS),
                resources=[table.table_arn],
                conditions=_only_keys("AGG#*", "AGG-SEEN#*"),
            )
        )
        self.uncounted = dead_letter_queue(self, "Uncounted", holds="It is the stream's own dead-letter destination.")
        self.aggregator.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=100,
                bisect_batch_on_error=True,
                retry_attempts=10,
                report_batch_item_failures=True,
                on_failure=sources.SqsDlq(self.uncounted),
                filters=[lambda_.FilterCriteria.filter({"dynamodb": {"Keys": {"sk": {"S": ["TICKET"]}}}})],
            )
        )
        acknowledge(
            self.aggregator,
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "dynamodb:ListStreams accepts no narrower resource; reading records is limited to the table's stream.",
        )
        dead_letters_alarm(
            self,
            "UncountedAlarm",
            self.uncounted,
            "Ticket writes could not be counted into the reports' aggregates; reports miss them until replayed.",
        )

    def _schedules(self, time_zone: str, monthly_day: int) -> None:
        role = iam.Role(
            self,
            "ScheduleRole",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}}
            ),
            description="EventBridge Scheduler asks for the scheduled reports.",
        )
        self.requests.grant_send_messages(role)
        self.dead_letters.grant_send_messages(role)
        for kind, expression in schedules(monthly_day).items():
            scheduler.CfnSchedule(
                self,
                f"{kind.capitalize()}Schedule",
                description=f"The {kind} report (bulletin), in the centre's zone.",
                schedule_expression=expression,
                schedule_expression_timezone=time_zone,
                flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
                state="ENABLED",
                target=scheduler.CfnSchedule.TargetProperty(
                    arn=self.requests.queue_arn,
                    role_arn=role.role_arn,
                    input=f'{{"kind": "{kind}", "scheduled_time": "<aws.scheduler.scheduled-time>"}}',
                    retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                        maximum_retry_attempts=TARGET_RETRY_ATTEMPTS,
                        maximum_event_age_in_seconds=int(MAX_EVENT_AGE.to_seconds()),
                    ),
                    dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(arn=self.dead_letters.queue_arn),
                ),
            )

    def let_order(self, function: lambda_.Function) -> None:
        """`function` (the API) orders reports and reads their files to link them (presigned with its own rights)."""
        function.add_environment("REPORTS_BUCKET", self.bucket.bucket_name)
        function.add_environment("REPORT_QUEUE_URL", self.requests.queue_url)
        self.requests.grant_send_messages(function)
        function.add_to_role_policy(
            iam.PolicyStatement(actions=["s3:GetObject"], resources=[self.bucket.arn_for_objects(FILES)])
        )

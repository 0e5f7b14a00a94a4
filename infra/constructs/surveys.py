"""The survey sweep: every 5 minutes an EventBridge Scheduler schedule invokes a function that looks at the tickets
whose customer is due something by now (a text held by quiet hours, a survey to send or to expire), found through
the table's sparse `customer_due` index (functions/surveys). Each run picks up whatever earlier runs left, and every
change is idempotent by the ticket's version, so a run that fires twice texts once and closes once.

Scheduler retries a delivery it could not make, and Lambda retries the function's own errors (it is invoked
asynchronously); what still fails lands in one dead-letter queue, which raises an alarm, as the function's errors do.
"""

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.constructs.alarms import any_alarm, dead_letters_alarm
from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers
from infra.constructs.queues import dead_letter_queue
from infra.constructs.schedules import run_on_schedule

SWEEP_RATE = "rate(5 minutes)"
SWEEP_TIMEOUT = Duration.minutes(4)  # below the rate: runs do not pile up
TARGET_RETRY_ATTEMPTS = 3
# A delivery or a retry older than a run is pointless: the next run does the same work.
MAX_EVENT_AGE = Duration.minutes(5)
# The sweep queries the index, reads each due ticket and writes it with its timeline.
SWEEP_TABLE_ACTIONS = (
    "dynamodb:Query",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)


class Surveys(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table: dynamodb.ITable,
        layers: SharedLayers,
        environment: dict[str, str],
        hash_key: secretsmanager.ISecret,
    ) -> None:
        super().__init__(scope, id)
        self.dead_letters = dead_letter_queue(self, "DeadLetters", holds="It is the sweep's dead-letter queue.")
        self.function = python_function(
            self,
            "Sweep",
            package="surveys",
            layers=layers,
            memory_size=256,
            timeout=SWEEP_TIMEOUT,
            environment=environment,
        )
        table.grant(self.function, *SWEEP_TABLE_ACTIONS)
        # A survey sent once quiet hours are over gets a fresh one-time link, stored as a keyed hash.
        hash_key.grant_read(self.function)
        self.function.add_environment("PEPPER_SECRET_ARN", hash_key.secret_arn)
        self.function.configure_async_invoke(
            retry_attempts=2,
            max_event_age=MAX_EVENT_AGE,
            on_failure=destinations.SqsDestination(self.dead_letters),
        )
        self.schedule = run_on_schedule(
            self,
            self.function,
            self.dead_letters,
            expression=SWEEP_RATE,
            description="The survey sweep: held texts, surveys to send, surveys expired (closed no_response).",
            role_description="EventBridge Scheduler runs the survey sweep.",
            retry_attempts=TARGET_RETRY_ATTEMPTS,
            max_event_age=MAX_EVENT_AGE,
        )
        self.alarm = dead_letters_alarm(
            self,
            "DeadLettersAlarm",
            self.dead_letters,
            "Survey sweeps failed after every retry: held texts, surveys and expiries wait until a run succeeds.",
        )
        any_alarm(
            self,
            "ErrorsAlarm",
            self.function.metric_errors(period=Duration.minutes(5)),
            "A survey sweep failed (it is retried, and the next run picks up what it left).",
        )

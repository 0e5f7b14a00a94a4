"""The knowledge search index's image: a new API container starts searching from it instead of indexing every article.

Indexing the trigrams of 10,000 articles takes seconds of CPU (README, "Knowledge base"), more than the API function
(512 MB, about a third of a vCPU, 10 s) can spend on the first search of a container. So a function of its own
(functions/knowledge, one vCPU) keeps the built index as an SQLite image in a private, encrypted bucket: every
INDEX_RATE an EventBridge Scheduler schedule runs it, it brings the index up to date from the change log and stores
it again if articles changed. A new API container reads the image and catches up from the change log (the writes of
the last few minutes).

Scheduler retries a delivery it could not make, and Lambda retries the function's own errors (it is invoked
asynchronously); what still fails lands in a dead-letter queue, which raises an alarm, as the function's errors do —
among them SearchUnavailable, when the runtime's SQLite lacks FTS5 or its trigram tokenizer: within INDEX_RATE of a
deployment rather than at an agent's first search.
"""

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from constructs import Construct
from hotline.aws.s3 import INDEX_KEY

from infra.constructs.alarms import any_alarm, dead_letters_alarm
from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers
from infra.constructs.queues import dead_letter_queue
from infra.constructs.schedules import run_on_schedule
from infra.constructs.storage import private_bucket

INDEX_RATE = "rate(5 minutes)"
INDEX_TIMEOUT = Duration.minutes(2)  # below the rate: runs do not pile up
INDEX_MEMORY_MB = 1769
"""One full vCPU: indexing every article (no usable image yet) takes a few seconds of it for 10,000."""
TARGET_RETRY_ATTEMPTS = 3
MAX_EVENT_AGE = Duration.minutes(5)
"""A delivery or a retry older than a run is pointless: the next run does the same work."""
INDEX_TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:DescribeTable")
"""The revision, the articles' entries and the change log (hotline/store/knowledge.py): read only."""


class KnowledgeIndex(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table: dynamodb.ITable,
        layers: SharedLayers,
        environment: dict[str, str],
    ) -> None:
        super().__init__(scope, id)
        self.bucket = private_bucket(
            self,
            "Images",
            unlogged_because="It holds one object, derived from the table, which the knowledge function writes and API"
            " containers read when they start; server access logs would record nothing the functions' own logs do not.",
        )
        self.dead_letters = dead_letter_queue(self, "DeadLetters", holds="It is the index runs' dead-letter queue.")
        self.function = python_function(
            self,
            "Function",
            package="knowledge",
            layers=layers,
            memory_size=INDEX_MEMORY_MB,
            timeout=INDEX_TIMEOUT,
            environment=environment,
        )
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=list(INDEX_TABLE_ACTIONS),
                resources=[table.table_arn],
                conditions={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["KNOWLEDGE", "KNOWLEDGE#CHANGES"]}},
            )
        )
        self._let_use(self.function, "s3:GetObject", "s3:PutObject")
        self.function.configure_async_invoke(
            retry_attempts=2,
            max_event_age=MAX_EVENT_AGE,
            on_failure=destinations.SqsDestination(self.dead_letters),
        )
        self._schedule()
        self.alarm = dead_letters_alarm(
            self,
            "DeadLettersAlarm",
            self.dead_letters,
            "The knowledge index's image could not be brought up to date after every retry: new API containers catch"
            " up from an older image (slower first searches) until a run succeeds.",
        )
        any_alarm(
            self,
            "ErrorsAlarm",
            self.function.metric_errors(period=Duration.minutes(5)),
            "Bringing the knowledge index's image up to date failed (it is retried; a SearchUnavailable error means"
            " the runtime's SQLite cannot search at all).",
        )

    def _schedule(self) -> None:
        self.schedule = run_on_schedule(
            self,
            self.function,
            self.dead_letters,
            expression=INDEX_RATE,
            description="The knowledge search index's image, stored again when articles changed.",
            role_description="EventBridge Scheduler brings the knowledge search index's image up to date.",
            retry_attempts=TARGET_RETRY_ATTEMPTS,
            max_event_age=MAX_EVENT_AGE,
        )

    def _let_use(self, function: lambda_.Function, *actions: str) -> None:
        """`actions` on the image alone, and listing the bucket (one object) so a missing image is a 404, not a 403."""
        function.add_environment("KNOWLEDGE_INDEX_BUCKET", self.bucket.bucket_name)
        function.add_to_role_policy(
            iam.PolicyStatement(actions=list(actions), resources=[self.bucket.arn_for_objects(INDEX_KEY)])
        )
        function.add_to_role_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[self.bucket.bucket_arn]))

    def let_read(self, function: lambda_.Function) -> None:
        """`function` (the API) starts its containers' search index from the image."""
        self._let_use(function, "s3:GetObject")

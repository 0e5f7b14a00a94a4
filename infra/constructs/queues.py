"""The queues of the asynchronous paths: where what failed is kept for replay, and the work queues Lambda consumes."""

from aws_cdk import Duration
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.nag import acknowledge

KEPT = Duration.days(14)
"""SQS's longest retention: time for an operator to see the alarm and replay."""


def dead_letter_queue(scope: Construct, id: str, *, holds: str) -> sqs.Queue:
    """A queue of what failed for good; `holds` says whose (cdk-nag's SQS3 asks a queue for a dead-letter queue of its
    own: this one is one)."""
    queue = sqs.Queue(scope, id, encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True, retention_period=KEPT)
    acknowledge(queue, "AwsSolutions::AwsSolutions-SQS3", holds)
    return queue


def work_queue(
    scope: Construct, id: str, *, consumer_timeout: Duration, dead_letters: sqs.IQueue, max_receives: int
) -> sqs.Queue:
    """A queue a Lambda function consumes: a message it fails `max_receives` times moves to `dead_letters`."""
    return sqs.Queue(
        scope,
        id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        visibility_timeout=Duration.seconds(consumer_timeout.to_seconds() * 6),  # AWS advice for Lambda consumers
        retention_period=Duration.days(4),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letters, max_receive_count=max_receives),
    )


def queue_target(queue: sqs.IQueue, *, retry_attempts: int, dead_letters: sqs.IQueue) -> targets.SqsQueue:
    """A bus rule's target queue: what EventBridge could not put on it within a day goes to `dead_letters`."""
    return targets.SqsQueue(
        queue, retry_attempts=retry_attempts, max_event_age=Duration.hours(24), dead_letter_queue=dead_letters
    )

"""The alarms operators are paged by."""

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sqs as sqs
from constructs import Construct


def dead_letters_alarm(scope: Construct, id: str, queue: sqs.IQueue, description: str) -> cloudwatch.Alarm:
    """Fires as soon as anything waits in a queue that only receives what failed for good."""
    return cloudwatch.Alarm(
        scope,
        id,
        alarm_description=description,
        metric=queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(5)),
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )

"""An EventBridge Scheduler schedule that runs one function, with a retry policy and a dead-letter queue."""

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from constructs import Construct


def run_on_schedule(
    scope: Construct,
    function: lambda_.IFunction,
    dead_letters: sqs.IQueue,
    *,
    expression: str,
    description: str,
    role_description: str,
    retry_attempts: int,
    max_event_age: Duration,
) -> scheduler.CfnSchedule:
    # Scheduler's role may invoke exactly the function (a Lambda grant would add its versions too) and put what it
    # cannot deliver on the dead-letter queue; only schedules of this account may assume it.
    role = iam.Role(
        scope,
        "ScheduleRole",
        assumed_by=iam.ServicePrincipal(
            "scheduler.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": Stack.of(scope).account}}
        ),
        description=role_description,
    )
    role.add_to_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[function.function_arn]))
    role.add_to_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[dead_letters.queue_arn]))
    return scheduler.CfnSchedule(
        scope,
        "Schedule",
        description=description,
        schedule_expression=expression,
        flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
        state="ENABLED",
        target=scheduler.CfnSchedule.TargetProperty(
            arn=function.function_arn,
            role_arn=role.role_arn,
            retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                maximum_retry_attempts=retry_attempts,
                maximum_event_age_in_seconds=int(max_event_age.to_seconds()),
            ),
            dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(arn=dead_letters.queue_arn),
        ),
    )

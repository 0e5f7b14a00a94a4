"""The ticket clock: a Standard state machine per ticket (ASL in infra/workflows), its wake-up function,
the SNS topic that reminders, breaches and escalations go out on, and alarms on clocks that stopped."""

from pathlib import Path
from typing import cast

from aws_cdk import ArnFormat, CfnElement, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.constructs.alarms import any_alarm
from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers
from infra.nag import acknowledge

ASL = Path(__file__).resolve().parents[1] / "workflows" / "ticket_clock.asl.json"

# The wake-up reads and writes the ticket and its timeline, and lists a caller's earlier tickets.
CLOCK_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:Query",
    "dynamodb:DescribeTable",
)


class TicketClock(Construct):
    def __init__(
        self, scope: Construct, id: str, *, table: dynamodb.ITable, layers: SharedLayers, environment: dict[str, str]
    ) -> None:
        super().__init__(scope, id)
        self.topic = sns.Topic(
            self,
            "Notifications",
            display_name="Hotline reminders, breaches and escalations",
            master_key=kms.Alias.from_alias_name(self, "SnsKey", "alias/aws/sns"),
            enforce_ssl=True,
        )
        self.function = python_function(
            self,
            "Function",
            package="clock",
            layers=layers,
            memory_size=256,
            timeout=Duration.seconds(20),
            environment=environment,
        )
        # Its wake-ups store their notifications with the ticket; the table stream's consumer sends them.
        table.grant(self.function, *CLOCK_TABLE_ACTIONS)

        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_file(str(ASL)),
            definition_substitutions={"ClockFunctionArn": self.function.function_arn},
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=logs.LogGroup(self, "ExecutionLogs", retention=logs.RetentionDays.THREE_MONTHS),
                level=sfn.LogLevel.ALL,
                include_execution_data=False,  # ticket numbers only, but keep payloads out of logs
            ),
        )
        # Exactly the function (grant_invoke would add its versions too).
        self.state_machine.add_to_role_policy(
            iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[self.function.function_arn])
        )
        acknowledge(
            self.state_machine,
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "CloudWatch Logs delivery and X-Ray accept no narrower resource (AWS documents '*').",
        )
        # A wake-up that failed after its retries ends in the `Clock failed` state: that ticket's deadlines go
        # unwatched until someone restarts its clock. Aborted executions are normal (staff actions stop them).
        period = Duration.minutes(5)
        any_alarm(
            self,
            "FailedAlarm",
            self.state_machine.metric_failed(period=period),
            "A ticket clock failed: its reminders, breaches and escalations stopped (see the execution history).",
        )
        any_alarm(
            self,
            "TimedOutAlarm",
            self.state_machine.metric_timed_out(period=period),
            "A ticket clock timed out: its reminders, breaches and escalations stopped.",
        )

    def let_notify(self, function: lambda_.Function) -> None:
        """`function` sends the notifications that staff actions and the clock's wake-ups stored."""
        function.add_environment("NOTIFICATIONS_TOPIC_ARN", self.topic.topic_arn)
        self.topic.grant_publish(function)

    def let_restart(self, function: lambda_.Function) -> None:
        """`function` starts a ticket's clock and stops the previous generation."""
        function.add_environment("CLOCK_STATE_MACHINE_ARN", self.state_machine.state_machine_arn)
        self.state_machine.grant_start_execution(function)
        executions = Stack.of(self).format_arn(
            service="states",
            resource="execution",
            resource_name=f"{self.state_machine.state_machine_name}:*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        function.add_to_role_policy(iam.PolicyStatement(actions=["states:StopExecution"], resources=[executions]))
        machine = Stack.of(self).get_logical_id(cast(CfnElement, self.state_machine.node.default_child))
        acknowledge(
            function,
            "AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>"
            f":execution:<{machine}.Name>:*]",
            "Stops the ticket clock's executions only; their names (ticket and generation) are made at run time.",
        )

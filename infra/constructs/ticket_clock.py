"""The ticket clock: a Standard state machine per ticket (ASL in infra/workflows), its wake-up function,
the SNS topic that reminders, breaches and escalations go out on, and alarms on clocks that stopped."""

import json
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


FIRST_WAKE = "First wake"


def first_generation_definition() -> str:
    """The clock for a ticket's first generation, started by intake: its wake-up is due at once (it routes the ticket)
    and leaves a due point, so the execution starts at a copy of `Wake` that goes straight to `Sleep` — no Wait for
    now and no Choice, two billed transitions fewer. Should the ticket have changed meanwhile and nothing be due, the
    wake-up answers with now: the loop's own `Wake` then finds the same and ends."""
    asl = json.loads(ASL.read_text())
    states = asl["States"]
    first = {**states["Wake"], "Next": "Sleep"}
    return json.dumps({**asl, "StartAt": FIRST_WAKE, "States": {FIRST_WAKE: first, **states}}, indent=2)


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

        # Generations after the first run the ASL file; a ticket's first generation the same states entered at a
        # `First wake` (first_generation_definition). No X-Ray tracing: a trace costs more than a transition, and a
        # clock sleeps longer than the seven days X-Ray adds to a trace; the execution history and these logs show
        # every wake-up.
        execution_logs = logs.LogGroup(self, "ExecutionLogs", retention=logs.RetentionDays.THREE_MONTHS)

        def clock_machine(id: str, definition: sfn.DefinitionBody) -> sfn.StateMachine:
            return sfn.StateMachine(
                self,
                id,
                state_machine_type=sfn.StateMachineType.STANDARD,
                definition_body=definition,
                definition_substitutions={"ClockFunctionArn": self.function.function_arn},
                logs=sfn.LogOptions(
                    destination=execution_logs,
                    level=sfn.LogLevel.ALL,
                    include_execution_data=False,  # ticket numbers only, but keep payloads out of logs
                ),
            )

        self.state_machine = clock_machine("StateMachine", sfn.DefinitionBody.from_file(str(ASL)))
        self.first_generation = clock_machine(
            "FirstGeneration", sfn.DefinitionBody.from_string(first_generation_definition())
        )
        for machine in self.machines:
            # Exactly the function (grant_invoke would add its versions too).
            machine.add_to_role_policy(
                iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[self.function.function_arn])
            )
            acknowledge(
                machine,
                "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                "CloudWatch Logs delivery accepts no narrower resource (AWS documents '*').",
            )
            acknowledge(
                machine,
                "AwsSolutions::AwsSolutions-SF2",
                "Not traced: a trace costs more than a transition and a clock sleeps past X-Ray's seven days; the"
                " execution history and its logs show each wake-up.",
            )
        # A wake-up that failed after its retries ends in the `Clock failed` state: that ticket's deadlines go
        # unwatched until someone restarts its clock. Aborted executions are normal (staff actions stop them).
        period = Duration.minutes(5)
        for machine, prefix in ((self.state_machine, ""), (self.first_generation, "FirstGeneration")):
            any_alarm(
                self,
                f"{prefix}FailedAlarm",
                machine.metric_failed(period=period),
                "A ticket clock failed: its reminders, breaches and escalations stopped (see the execution history).",
            )
            any_alarm(
                self,
                f"{prefix}TimedOutAlarm",
                machine.metric_timed_out(period=period),
                "A ticket clock timed out: its reminders, breaches and escalations stopped.",
            )

    @property
    def machines(self) -> tuple[sfn.StateMachine, sfn.StateMachine]:
        return self.state_machine, self.first_generation

    def let_notify(self, function: lambda_.Function) -> None:
        """`function` sends the notifications that staff actions and the clock's wake-ups stored."""
        function.add_environment("NOTIFICATIONS_TOPIC_ARN", self.topic.topic_arn)
        self.topic.grant_publish(function)

    def let_restart(self, function: lambda_.Function) -> None:
        """`function` starts a ticket's clock and stops the previous generation."""
        function.add_environment("CLOCK_STATE_MACHINE_ARN", self.state_machine.state_machine_arn)
        function.add_environment("CLOCK_FIRST_STATE_MACHINE_ARN", self.first_generation.state_machine_arn)
        for machine in self.machines:
            machine.grant_start_execution(function)
            executions = Stack.of(self).format_arn(
                service="states",
                resource="execution",
                resource_name=f"{machine.state_machine_name}:*",
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )
            function.add_to_role_policy(iam.PolicyStatement(actions=["states:StopExecution"], resources=[executions]))
            logical = Stack.of(self).get_logical_id(cast(CfnElement, machine.node.default_child))
            acknowledge(
                function,
                "AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>"
                f":execution:<{logical}.Name>:*]",
                "Stops the ticket clock's executions only; their names (ticket and generation) are made at run time.",
            )

"""The local cloud's EventBridge Scheduler (infra/local/scheduler.py): the expressions it understands, when it fires
(on a clock the test moves), and firing the schedules moto stores at their Lambda and SQS targets."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from infra.local import lambdas
from infra.local.deploy import _create_schedules
from infra.local.scheduler import AwsTargets, Firing, MotoSchedules, Scheduler, parse

SHANGHAI = "Asia/Shanghai"
T0 = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # Saturday 2026-11-21 07:00 in Shanghai


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- expressions ------------------------------------------------------------------------------------------------------


def test_a_rate_fires_every_period_from_when_it_was_first_seen() -> None:
    rate = parse("rate(5 minutes)", None, T0)

    assert rate.first(T0) == T0 + timedelta(minutes=5)
    assert rate.after(T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=10)
    assert rate.after(T0 + timedelta(minutes=12, seconds=30)) == T0 + timedelta(minutes=15)
    assert parse("rate(1 hour)", None, T0).first(T0) == T0 + timedelta(hours=1)
    assert parse("rate(2 days)", None, T0).first(T0) == T0 + timedelta(days=2)


def test_cron_runs_in_the_schedules_time_zone() -> None:
    daily = parse("cron(0 8 * * ? *)", SHANGHAI, T0)  # 08:00 in Shanghai is 00:00 UTC

    assert daily.first(T0) == utc(2026, 11, 21, 0, 0)
    assert daily.after(utc(2026, 11, 21, 0, 0)) == utc(2026, 11, 22, 0, 0)
    assert parse("cron(0 8 * * ? *)", None, T0).first(T0) == utc(2026, 11, 21, 8, 0)  # UTC without a zone


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cron(30 9 ? * MON *)", utc(2026, 11, 23, 1, 30)),  # weekly: Monday 09:30
        ("cron(0 8 1 * ? *)", utc(2026, 12, 1, 0, 0)),  # monthly: the 1st
        ("cron(0 8 1 1 ? *)", utc(2027, 1, 1, 0, 0)),  # yearly: 1 January
        ("cron(0 18 L * ? *)", utc(2026, 11, 30, 10, 0)),  # the month's last day
        ("cron(0 9 ? * MON#1 *)", utc(2026, 12, 7, 1, 0)),  # the first Monday of the month
        ("cron(0/20 8-9 ? * 2-6 *)", utc(2026, 11, 23, 0, 0)),  # every 20 minutes, 08:00-09:40, Monday to Friday
        ("cron(15,45 * * * ? 2027)", utc(2026, 12, 31, 16, 15)),  # only in 2027 (of Shanghai)
    ],
)
def test_cron_fields(expression: str, expected: datetime) -> None:
    assert parse(expression, SHANGHAI, T0).first(T0) == expected


def test_a_cron_every_20_minutes_steps_through_its_hours() -> None:
    cron = parse("cron(0/20 8-9 ? * 2-6 *)", SHANGHAI, T0)
    times = [cron.first(T0)]
    for _ in range(6):
        following = cron.after(times[-1])
        assert following is not None
        times.append(following)

    assert [t.strftime("%H:%M") for t in times] == ["00:00", "00:20", "00:40", "01:00", "01:20", "01:40", "00:00"]
    assert times[-1] - times[0] == timedelta(days=1)


def test_at_fires_once_at_its_local_time_even_when_seen_late() -> None:
    once = parse("at(2026-11-21T08:00:00)", SHANGHAI, T0)

    assert once.first(T0) == utc(2026, 11, 21, 0, 0)
    assert once.first(T0 + timedelta(days=3)) == utc(2026, 11, 21, 0, 0)  # missed: it still fires, at once
    assert once.after(utc(2026, 11, 21, 0, 0)) is None


@pytest.mark.parametrize(
    "expression",
    [
        "rate(0 minutes)",
        "rate(5 weeks)",
        "cron(0 8 * * * *)",  # both day fields given
        "cron(0 8 ? * ? *)",  # neither
        "cron(0 8 15W * ? *)",
        "cron(0 25 * * ? *)",
        "cron(0 8 * * ?)",
        "at(2026-11-21 08:00)",
        "every 5 minutes",
    ],
)
def test_expressions_it_cannot_fire_are_refused(expression: str) -> None:
    with pytest.raises(ValueError):
        parse(expression, None, T0)


# -- firing, on a clock the test moves --------------------------------------------------------------------------------


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, span: timedelta) -> None:
        self.now += span


@dataclass
class FakeSchedules:
    schedules: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def add(self, expression: str, **extra: Any) -> dict[str, Any]:
        name = f"s{len(self.schedules)}"
        schedule = {
            "Arn": f"arn:aws:scheduler:us-east-1:123456789012:schedule/default/{name}",
            "Name": name,
            "GroupName": "default",
            "ScheduleExpression": expression,
            "State": "ENABLED",
            "LastModificationDate": 1,
            "Target": {"Arn": "arn:aws:lambda:us-east-1:123456789012:function:sweep", "RoleArn": "r"},
            **extra,
        }
        self.schedules.append(schedule)
        return schedule

    def current(self) -> list[dict[str, Any]]:
        return list(self.schedules)

    def delete(self, schedule: dict[str, Any]) -> None:
        self.deleted.append(schedule["Name"])
        self.schedules.remove(schedule)


@dataclass
class FakeTargets:
    payloads: list[str] = field(default_factory=list)
    failing: int = 0
    dead: list[tuple[str, str, int]] = field(default_factory=list)

    def invoke(self, target: dict[str, Any], payload: str) -> None:
        self.payloads.append(payload)
        if self.failing:
            self.failing -= 1
            raise RuntimeError("the function failed")

    def dead_letter(self, target: dict[str, Any], payload: str, error: str, attempts: int) -> None:
        self.dead.append((payload, error, attempts))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def schedules() -> FakeSchedules:
    return FakeSchedules()


@pytest.fixture
def targets() -> FakeTargets:
    return FakeTargets()


def scheduler(clock: Clock, schedules: FakeSchedules, targets: FakeTargets, gap: timedelta) -> Scheduler:
    return Scheduler(schedules, targets, clock, gap)


def run(scheduler: Scheduler) -> list[Firing]:
    """One look at the schedules, firing what is due (synchronously here)."""
    firings = scheduler.due()
    for firing in firings:
        scheduler.fire(firing)
    return firings


def test_a_rate_fires_once_a_period_and_a_missed_stretch_fires_once(
    clock: Clock, schedules: FakeSchedules, targets: FakeTargets
) -> None:
    schedules.add("rate(5 minutes)")
    local = scheduler(clock, schedules, targets, timedelta(seconds=1))

    fired = [len(run(local))]  # first seen: nothing yet
    for _ in range(3):
        clock.advance(timedelta(minutes=5))
        fired.append(len(run(local)))
    clock.advance(timedelta(hours=1))  # the process was busy: twelve runs missed
    missed = run(local)
    clock.advance(timedelta(minutes=1))
    fired.append(len(run(local)))

    assert fired == [0, 1, 1, 1, 0]
    assert len(missed) == 1 and missed[0].scheduled_time == T0 + timedelta(minutes=75)  # the last one missed


def test_a_high_time_scale_does_not_make_it_spin(clock: Clock, schedules: FakeSchedules, targets: FakeTargets) -> None:
    schedules.add("rate(5 minutes)")
    local = scheduler(clock, schedules, targets, timedelta(hours=1))  # a wall second at TIME_SCALE=3600
    run(local)

    fired = 0
    for _ in range(24):  # two hours, looked at every 5 minutes
        clock.advance(timedelta(minutes=5))
        fired += len(run(local))

    assert fired == 2


def test_a_run_still_going_is_not_started_again_and_its_successor_fires_once_when_it_ends(
    clock: Clock, schedules: FakeSchedules, targets: FakeTargets
) -> None:
    schedules.add("rate(5 minutes)")
    local = scheduler(clock, schedules, targets, timedelta(seconds=1))
    local.due()
    clock.advance(timedelta(minutes=5))
    (slow,) = local.due()  # started, still running while time goes on

    clock.advance(timedelta(minutes=15))
    assert local.due() == []
    local.fire(slow)
    assert len(local.due()) == 1


def test_a_one_time_schedule_fires_once_and_deletes_itself_when_told(
    clock: Clock, schedules: FakeSchedules, targets: FakeTargets
) -> None:
    schedules.add("at(2026-11-21T06:00:00)", ScheduleExpressionTimezone=SHANGHAI, ActionAfterCompletion="DELETE")
    kept = schedules.add("at(2026-11-21T08:00:00)", ScheduleExpressionTimezone=SHANGHAI)
    local = scheduler(clock, schedules, targets, timedelta(seconds=1))

    first = run(local)  # 06:00 has passed already (it is 07:00): it fires at once
    clock.advance(timedelta(hours=1))
    second = run(local)
    clock.advance(timedelta(days=1))

    assert [f.schedule["Name"] for f in first + second] == ["s0", "s1"]
    assert run(local) == []
    assert schedules.deleted == ["s0"] and schedules.schedules == [kept]


def test_a_disabled_schedule_does_not_fire(clock: Clock, schedules: FakeSchedules, targets: FakeTargets) -> None:
    schedules.add("rate(1 minute)", State="DISABLED")
    local = scheduler(clock, schedules, targets, timedelta(seconds=1))
    run(local)
    clock.advance(timedelta(minutes=3))

    assert run(local) == [] and targets.payloads == []


def test_a_changed_expression_takes_effect(clock: Clock, schedules: FakeSchedules, targets: FakeTargets) -> None:
    schedule = schedules.add("rate(1 day)")
    local = scheduler(clock, schedules, targets, timedelta(seconds=1))
    run(local)
    schedule.update(ScheduleExpression="rate(1 minute)", LastModificationDate=2)
    run(local)
    clock.advance(timedelta(minutes=1))

    assert len(run(local)) == 1


def test_the_input_carries_the_scheduled_time_and_the_schedule(
    clock: Clock, schedules: FakeSchedules, targets: FakeTargets
) -> None:
    template = json.dumps(
        {
            "time": "<aws.scheduler.scheduled-time>",
            "arn": "<aws.scheduler.schedule-arn>",
            "try": "<aws.scheduler.attempt-number>",
        }
    )
    schedule = schedules.add("cron(0 8 * * ? *)", ScheduleExpressionTimezone=SHANGHAI)
    schedule["Target"]["Input"] = template
    local = scheduler(clock, schedules, targets, timedelta(seconds=1))
    run(local)
    clock.advance(timedelta(hours=1, minutes=2))
    run(local)

    assert [json.loads(p) for p in targets.payloads] == [
        {"time": "2026-11-21T00:00:00Z", "arn": schedule["Arn"], "try": "1"}
    ]


def test_a_target_without_input_gets_an_empty_object(
    clock: Clock, schedules: FakeSchedules, targets: FakeTargets
) -> None:
    schedules.add("rate(1 minute)")
    local = scheduler(clock, schedules, targets, timedelta(seconds=1))
    run(local)
    clock.advance(timedelta(minutes=1))
    run(local)

    assert targets.payloads == ["{}"]


def test_a_failing_target_is_retried_then_dead_lettered(
    clock: Clock, schedules: FakeSchedules, targets: FakeTargets
) -> None:
    schedule = schedules.add("rate(1 minute)")
    schedule["Target"]["RetryPolicy"] = {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 300}
    local = scheduler(clock, schedules, targets, timedelta(seconds=1))
    run(local)
    targets.failing = 10
    clock.advance(timedelta(minutes=1))
    run(local)
    targets.failing = 1
    clock.advance(timedelta(minutes=1))
    run(local)  # fails once, then succeeds

    assert len(targets.payloads) == 3 + 2
    assert targets.dead == [("{}", "RuntimeError: the function failed", 3)]


def test_a_target_that_must_not_be_retried_is_dead_lettered_at_once(
    clock: Clock, schedules: FakeSchedules, targets: FakeTargets
) -> None:
    schedule = schedules.add("rate(1 minute)")
    schedule["Target"]["RetryPolicy"] = {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60}
    local = scheduler(clock, schedules, targets, timedelta(seconds=1))
    run(local)
    targets.failing = 1
    clock.advance(timedelta(minutes=1))
    run(local)

    assert len(targets.payloads) == 1 and len(targets.dead) == 1


# -- the schedules moto stores, fired at their targets ----------------------------------------------------------------

INVOKED: list[dict[str, Any]] = []
FAILING = threading.Event()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The scheduled function of the template below, run in-process by the local cloud's Lambda patch."""
    if FAILING.is_set():
        raise RuntimeError("the sweep failed")
    INVOKED.append(event)
    return {"swept": True}


SCHEDULED = {
    "Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": []}}},
        "DeadLetters": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Function": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Handler": f"{__name__}.handler",
                "Runtime": "python3.12",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": "# runs in-process"},
            },
        },
        "Group": {"Type": "AWS::Scheduler::ScheduleGroup", "Properties": {"Name": "reports"}},
        "Sweep": {
            "Type": "AWS::Scheduler::Schedule",
            "Properties": {
                "ScheduleExpression": "rate(5 minutes)",
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "State": "ENABLED",
                "Target": {
                    "Arn": {"Fn::GetAtt": ["Function", "Arn"]},
                    "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                    "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 300},
                    "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["DeadLetters", "Arn"]}},
                },
            },
        },
        "Daily": {
            "Type": "AWS::Scheduler::Schedule",
            "Properties": {
                "Name": "daily-report",
                "GroupName": {"Ref": "Group"},
                "ScheduleExpression": "cron(0 8 * * ? *)",
                "ScheduleExpressionTimezone": SHANGHAI,
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {
                    "Arn": {"Fn::GetAtt": ["Queue", "Arn"]},
                    "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Input": '{"period": "day", "at": "<aws.scheduler.scheduled-time>"}',
                },
            },
        },
    }
}


def create_stack(template: dict[str, Any]) -> dict[str, str]:
    """Logical id -> physical id of what moto's CloudFormation created."""
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(
        StackName="scheduled", TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"]
    )
    resources = cloudformation.describe_stack_resources(StackName="scheduled")["StackResources"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources if r.get("PhysicalResourceId")}


@pytest.fixture
def deployed(aws: None) -> Iterator[dict[str, str]]:
    """The template in moto, its schedules created as the local cloud's deploy creates them."""
    lambdas.install()
    INVOKED.clear()
    FAILING.clear()
    physical = create_stack(SCHEDULED)
    _create_schedules(SCHEDULED, physical)
    yield physical
    FAILING.clear()


def messages(queue_url: str) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = (
        boto3.client("sqs")
        .receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        .get("Messages", [])
    )
    return received


def test_deploy_creates_the_templates_schedules_in_moto_as_declared(deployed: dict[str, str]) -> None:
    client = boto3.client("scheduler")
    names = sorted(s["Name"] for s in client.list_schedules()["Schedules"])
    sweep = client.get_schedule(Name="Hotline-Sweep", GroupName="default")
    daily = client.get_schedule(Name="daily-report", GroupName="reports")

    assert names == ["Hotline-Sweep", "daily-report"]
    function = boto3.client("lambda").get_function(FunctionName=deployed["Function"])["Configuration"]
    assert sweep["Target"]["Arn"] == function["FunctionArn"]
    assert sweep["Target"]["DeadLetterConfig"]["Arn"].endswith(":" + deployed["DeadLetters"].rsplit("/", 1)[1])
    assert sweep["Target"]["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 300}
    assert daily["ScheduleExpressionTimezone"] == SHANGHAI


def test_moto_schedules_fire_their_lambda_and_queue_targets(deployed: dict[str, str], clock: Clock) -> None:
    local = Scheduler(MotoSchedules("us-east-1"), AwsTargets("us-east-1"), clock, timedelta(seconds=1))
    run(local)
    clock.advance(timedelta(hours=1, minutes=1))  # past 08:00 in Shanghai and a 5-minute period

    fired = sorted(f.schedule["Name"] for f in run(local))

    assert fired == ["Hotline-Sweep", "daily-report"]
    assert INVOKED == [{}]
    (report,) = messages(deployed["Queue"])
    assert json.loads(report["Body"]) == {"period": "day", "at": "2026-11-21T00:00:00Z"}


def test_a_failing_function_ends_in_the_dead_letter_queue_with_why(deployed: dict[str, str], clock: Clock) -> None:
    local = Scheduler(MotoSchedules("us-east-1"), AwsTargets("us-east-1"), clock, timedelta(seconds=1))
    run(local)
    FAILING.set()
    clock.advance(timedelta(minutes=5))
    run(local)

    (dead,) = messages(deployed["DeadLetters"])
    assert dead["Body"] == "{}"
    attributes = {name: value["StringValue"] for name, value in dead["MessageAttributes"].items()}
    assert attributes["RETRY_ATTEMPTS"] == "2" and "the sweep failed" in attributes["ERROR_MESSAGE"]
    assert attributes["TARGET_ARN"].endswith(":function:" + deployed["Function"])


def test_moto_cloudformation_skips_schedules_so_deploy_creates_them(aws: None) -> None:
    lambdas.install()
    create_stack(SCHEDULED)

    assert boto3.client("scheduler").list_schedules()["Schedules"] == []  # else deploy would create them twice

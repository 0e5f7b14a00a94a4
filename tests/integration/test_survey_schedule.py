"""The survey's schedule on moto: the reply's text goes out through SNS (and into the local outbox), and a Scheduler
schedule fired by the local scheduler runs the real sweep function, which sends a survey quiet hours held and closes
an unanswered one `no_response` — once, however often the schedule fires."""

import io
import json
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from hotline.domain.base.clock import parse_iso
from hotline.services import api_services
from hotline.settings import LocalCloud, load
from hotline.timescale import ScaledClock
from moto.sns.models import SNSBackend, sns_backends

from infra.local import lambdas
from infra.local.outbox import recording
from infra.local.pollers import StreamPoller
from infra.local.scheduler import AwsTargets, Firing, MotoSchedules, Scheduler
from tests.integration.conftest import Api, staff_claims
from tests.support.domain_time import domain_time_from
from tests.support.forms import FORM
from tests.support.lambda_context import LambdaContext
from tests.support.services import seed_units

ACCOUNT, REGION = "123456789012", "us-east-1"
URBAN = "district-urban-management"
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
UNIT = staff_claims("unit", unit=URBAN, username="unit1")
SITE = "https://12345.example.gov.cn"  # tests/conftest.py sets SITE_URL to it
PHONE = "+8613800138000"  # FORM's contact, as SMS wants it

MONDAY_10 = datetime(2026, 11, 23, 2, tzinfo=UTC)  # Monday 10:00 in Shanghai
MONDAY_22 = datetime(2026, 11, 23, 14, tzinfo=UTC)  # Monday 22:00: quiet hours
TUESDAY_0805 = datetime(2026, 11, 24, 0, 5, tzinfo=UTC)  # Tuesday 08:05
THURSDAY_10 = datetime(2026, 11, 26, 2, tzinfo=UTC)  # past the 2 working days (Wednesday 18:00) of the survey


def domain_now() -> datetime:
    local = load(LocalCloud)
    return ScaledClock(local.time_origin, local.time_scale).now()


@dataclass
class Hotline:
    api: Api
    outbox: Path
    stream: StreamPoller
    dead_letters: str
    scheduler: Scheduler

    def relay(self) -> None:
        """The table stream's consumer (functions/events) over the writes since last time, as Lambda's poller."""
        while self.stream.poll_once():
            pass

    def texts(self) -> list[tuple[str, str]]:
        """(number, text) of every SMS moto's SNS received."""
        return list(sns_backends[ACCOUNT][REGION].sms_messages.values())

    def outboxed(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.outbox.read_text(encoding="utf-8").splitlines()]

    def ticket(self, number: str) -> dict[str, Any]:
        reply = self.api.call("GET", f"/v1/staff/tickets/{number}", claims=DISPATCHER)
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def act(self, number: str, action: str, claims: dict[str, Any], **body: Any) -> None:
        reply = self.api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=claims)
        assert reply.status == 200, reply.body

    def in_progress(self) -> str:
        created = self.api.call("POST", "/v1/tickets", FORM)
        assert created.status == 201, created.body
        number = str(created.body["number"])
        self.act(number, "dispatch", DISPATCHER, unit_id=URBAN)
        self.act(number, "accept", UNIT)
        return number

    def reply(self, number: str) -> None:
        self.act(number, "reply", UNIT, result="已责令工地停止夜间施工", cause_code="construction.permit")

    def the_schedule_fires_at(self, moment: datetime, monkeypatch: pytest.MonkeyPatch) -> Firing:
        """Time moves to `moment`; the local scheduler finds the sweep's schedule due (once, however much was
        missed)."""
        domain_time_from(monkeypatch, moment)
        (firing,) = self.scheduler.due()
        return firing

    def dead_lettered(self) -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = (
            boto3.client("sqs").receive_message(QueueUrl=self.dead_letters).get("Messages", [])
        )
        return received


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.txt", "runs in-process")
    return buffer.getvalue()


@pytest.fixture
def hotline(api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Hotline]:
    """The API, the events function on the table's stream, the sweep function and its schedule, on moto."""
    lambdas.install()
    monkeypatch.setenv("EVENT_BUS_NAME", boto3.client("events").create_event_bus(Name="tickets")["EventBusArn"])
    monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", boto3.client("sns").create_topic(Name="units")["TopicArn"])
    outbox = tmp_path / "outbox.jsonl"
    outbox.touch()
    monkeypatch.setattr(SNSBackend, "publish", recording(SNSBackend.publish, outbox, domain_now))
    domain_time_from(monkeypatch, MONDAY_10)
    seed_units()

    from functions.events.handler import handler as events

    table = boto3.client("dynamodb").describe_table(TableName=api_services().settings.table_name)["Table"]
    stream = StreamPoller(table["LatestStreamArn"], lambda event: events(event, LambdaContext()), interval=0)
    role = boto3.client("iam").create_role(RoleName="sweep", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    sweep = boto3.client("lambda").create_function(
        FunctionName="survey-sweep",
        Runtime="python3.12",
        Role=role,
        Handler="functions.surveys.handler.handler",
        Code={"ZipFile": _zip()},
        Timeout=240,
    )["FunctionArn"]
    sqs = boto3.client("sqs")
    dead_letters = sqs.create_queue(QueueName="sweep-dead-letters")["QueueUrl"]
    dead_letters_arn = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    boto3.client("scheduler").create_schedule(
        Name="survey-sweep",
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": sweep,
            "RoleArn": role,
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 300},
            "DeadLetterConfig": {"Arn": dead_letters_arn},
        },
    )
    scheduler = Scheduler(MotoSchedules(REGION), AwsTargets(REGION), domain_now, timedelta(seconds=1))
    yield Hotline(api, outbox, stream, dead_letters, scheduler)


def test_the_reply_texts_the_survey_link_through_sns_and_into_the_outbox(
    hotline: Hotline, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    number = hotline.in_progress()
    hotline.reply(number)

    hotline.relay()

    receipt, reply = hotline.texts()
    assert receipt[0] == reply[0] == PHONE
    assert number in receipt[1] and f"{SITE}/track/{number}" in receipt[1]
    assert f"{SITE}/survey/{number}?code=" in reply[1] and "已责令工地停止夜间施工" in reply[1]
    outboxed = hotline.outboxed()
    assert [(line["to"], line["text"], line["kind"]) for line in outboxed] == [
        (PHONE, receipt[1], "sms"),
        (PHONE, reply[1], "sms"),
    ]
    assert MONDAY_10 <= parse_iso(outboxed[1]["at"]) < MONDAY_10 + timedelta(minutes=10)  # local time, not wall
    logged = caplog.text + "".join(capsys.readouterr())  # the functions' Powertools logs go to stdout
    assert "13800138000" not in logged and "survey/" not in logged  # neither the number nor the text is logged


def test_the_schedule_runs_the_sweep_which_closes_an_unanswered_survey_once_however_often_it_fires(
    hotline: Hotline, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = hotline.in_progress()
    hotline.reply(number)
    hotline.relay()
    assert hotline.scheduler.due() == []  # the schedule is seen now and first due in 5 minutes

    firing = hotline.the_schedule_fires_at(THURSDAY_10, monkeypatch)
    hotline.scheduler.fire(firing)
    hotline.scheduler.fire(firing)  # delivered twice, as at-least-once delivery may
    hotline.relay()

    ticket = hotline.ticket(number)
    assert (ticket["status"], ticket["resolution"]) == ("closed", "no_response")
    types = [event["type"] for event in ticket["timeline"]]
    assert types.count("survey.expired") == 1 and types.count("ticket.closed") == 1
    assert len(hotline.texts()) == 2  # the receipt and the reply: closing texts nobody
    assert hotline.dead_lettered() == []


def test_a_survey_held_by_quiet_hours_goes_out_once_at_08_00_though_the_schedule_fires_twice(
    hotline: Hotline, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = hotline.in_progress()
    domain_time_from(monkeypatch, MONDAY_22)
    hotline.reply(number)
    hotline.relay()
    assert [text for _, text in hotline.texts() if "/survey/" in text] == []  # held until 08:00
    hotline.scheduler.due()

    firing = hotline.the_schedule_fires_at(TUESDAY_0805, monkeypatch)
    hotline.scheduler.fire(firing)
    hotline.scheduler.fire(firing)
    hotline.relay()

    surveys = [line for line in hotline.outboxed() if "/survey/" in line["text"]]
    assert len(surveys) == 1 and surveys[0]["to"] == PHONE
    assert parse_iso(surveys[0]["at"]) >= TUESDAY_0805
    assert [text for _, text in hotline.texts() if "/survey/" in text] == [surveys[0]["text"]]
    ticket = hotline.ticket(number)
    assert ticket["status"] == "replied"
    assert [event["type"] for event in ticket["timeline"]].count("survey.sent") == 1

"""Runs the ticket clock: one Standard Step Functions execution per ticket and clock generation."""

import json
from datetime import datetime
from functools import cached_property
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from hotline.aws.clients import client
from hotline.domain.base.clock import to_iso_z
from hotline.domain.tickets.ports import ClockNotStarted
from hotline.timescale import ScaledClock

logger = Logger(service="hotline-clock-runner")
METRICS_NAMESPACE = "Hotline"
CLOCK_NOT_STARTED = "ClockNotStarted"
"""Counted each time Step Functions refused a (re)start; the table stream's consumer starts it later."""

# A request must answer well within API Gateway's 29 s even when Step Functions does not.
CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})


def execution_name(number: str, generation: int) -> str:
    return f"{number}-g{generation}"


def execution_state(clock: ScaledClock, number: str, generation: int, wake_at: datetime | None) -> dict[str, Any]:
    """The execution's state between wake-ups: what the next wake-up needs, and when it is (wall time). With nothing
    due it is `done`, and `wake_at` is now: a first generation's first wake-up goes to its Wait without a Choice
    (infra/constructs/ticket_clock.py), so the Wait must have a time to reach."""
    return {
        "number": number,
        "generation": generation,
        "wake_at": to_iso_z(clock.wall_time(wake_at or clock.now())),
        "done": wake_at is None,
    }


class StepFunctionsRunner:
    """A ticket's first generation runs on a machine that starts at its Wake state: intake's wake-up is due at once,
    and a Wait for now would be one more billed transition. Later generations run on the one that sleeps first."""

    def __init__(self, state_machine_arn: str, first_state_machine_arn: str, region: str, clock: ScaledClock) -> None:
        self._arn = state_machine_arn
        self._first_arn = first_state_machine_arn
        self._clock = clock
        self._region = region

    @cached_property
    def _client(self) -> Any:
        return client("stepfunctions", self._region, CLIENT_CONFIG)

    def _machine(self, generation: int) -> str:
        return self._first_arn if generation == 1 else self._arn

    def restart(self, number: str, generation: int, wake_at: datetime | None) -> None:
        try:
            if generation > 1:
                self._stop(number, generation - 1)
            if wake_at is not None:
                self._start(number, generation, wake_at)
        except (ClientError, BotoCoreError) as error:
            logger.warning(
                "the ticket clock did not restart",
                extra={"ticket": number, "generation": generation, "error": type(error).__name__},
            )
            _count(CLOCK_NOT_STARTED)
            raise ClockNotStarted(f"{number} generation {generation}") from error

    def _start(self, number: str, generation: int, wake_at: datetime) -> None:
        try:
            self._client.start_execution(
                stateMachineArn=self._machine(generation),
                name=execution_name(number, generation),
                input=json.dumps(execution_state(self._clock, number, generation, wake_at)),
            )
        except ClientError as error:
            # This generation runs or has run: started by the request or by the stream's consumer, whichever
            # came second (the same name and input while it runs is not even an error).
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise

    def _stop(self, number: str, generation: int) -> None:
        machine = self._machine(generation)
        execution_arn = machine.replace(":stateMachine:", ":execution:") + f":{execution_name(number, generation)}"
        try:
            self._client.stop_execution(executionArn=execution_arn, cause="the ticket clock restarted")
        except ClientError as error:
            # Already finished or never started: the new generation stops it from acting anyway.
            if error.response["Error"]["Code"] not in {"ExecutionDoesNotExist", "InvalidArn"}:
                raise


def _count(metric: str) -> None:
    """One CloudWatch metric data point, written to the log as an embedded-metric record."""
    with single_metric(metric, MetricUnit.Count, 1, namespace=METRICS_NAMESPACE) as point:
        point.add_dimension("service", "hotline")

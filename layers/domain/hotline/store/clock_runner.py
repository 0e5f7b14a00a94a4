"""Runs the ticket clock: one Standard Step Functions execution per ticket and clock generation."""

import json
from datetime import datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from hotline.domain.clock import to_iso_z
from hotline.timescale import ScaledClock


def execution_name(number: str, generation: int) -> str:
    return f"{number}-g{generation}"


class StepFunctionsRunner:
    def __init__(self, state_machine_arn: str, region: str, clock: ScaledClock) -> None:
        self._arn = state_machine_arn
        self._clock = clock
        self._client: Any = boto3.client("stepfunctions", region_name=region) if state_machine_arn else None

    def restart(self, number: str, generation: int, wake_at: datetime | None) -> None:
        if self._client is None:
            return
        if generation > 1:
            self._stop(execution_name(number, generation - 1))
        if wake_at is not None:
            self._client.start_execution(
                stateMachineArn=self._arn,
                name=execution_name(number, generation),
                input=json.dumps(self.state(number, generation, wake_at)),
            )

    def state(self, number: str, generation: int, wake_at: datetime | None) -> dict[str, Any]:
        """The execution's state between wake-ups: what the next wake-up needs, and when it is (wall time)."""
        return {
            "number": number,
            "generation": generation,
            "wake_at": to_iso_z(self._clock.wall_time(wake_at)) if wake_at else None,
            "done": wake_at is None,
        }

    def _stop(self, name: str) -> None:
        execution_arn = self._arn.replace(":stateMachine:", ":execution:") + f":{name}"
        try:
            self._client.stop_execution(executionArn=execution_arn, cause="the ticket clock restarted")
        except ClientError as error:
            # Already finished or never started: the new generation stops it from acting anyway.
            if error.response["Error"]["Code"] not in {"ExecutionDoesNotExist", "InvalidArn"}:
                raise

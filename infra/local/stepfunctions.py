"""moto fixes for the ticket clock, which starts and stops executions often.

- A second execution of a state machine can start while another one runs: moto deep-copies the state
  machine for each new execution, including its executions, whose worker threads hold locks that cannot
  be copied. The copy leaves that list out, and shares the backend instead of copying it (with every state
  machine in it) for each execution, which kept a copy per execution for good.
- An execution can be stopped right after it started: moto's worker creates its environment in its own
  thread, and a stop that arrives first fails. The stop waits for it.
"""

import copy
import time
from datetime import datetime
from typing import Any

from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

_moto_stop = ExecutionWorker.stop


def _copy_without_executions(self: StateMachine, memo: dict[int, Any]) -> StateMachine:
    clone = copy.copy(self)
    memo[id(self)] = clone
    for name, value in self.__dict__.items():
        if name == "executions":
            value = []
        elif name != "backend":
            value = copy.deepcopy(value, memo)
        setattr(clone, name, value)
    return clone


def _stop_once_started(self: ExecutionWorker, stop_date: datetime, error: str | None, cause: str | None) -> None:
    deadline = time.monotonic() + 5
    while getattr(self, "env", None) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    _moto_stop(self, stop_date=stop_date, error=error, cause=cause)


def install() -> None:
    StateMachine.__deepcopy__ = _copy_without_executions  # type: ignore[attr-defined]
    ExecutionWorker.stop = _stop_once_started  # type: ignore[method-assign]

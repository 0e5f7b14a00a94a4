"""moto fix: a second execution of a state machine can start while another one runs.

moto's executing backend deep-copies the state machine for each new execution, including the list of
its executions, whose worker threads hold locks that cannot be copied. The ticket clock starts a new
execution while the previous generation is still (being) stopped, so the copy leaves that list out.
"""

import copy
from typing import Any

from moto.stepfunctions.models import StateMachine


def _copy_without_executions(self: StateMachine, memo: dict[int, Any]) -> StateMachine:
    clone = copy.copy(self)
    memo[id(self)] = clone
    for name, value in self.__dict__.items():
        setattr(clone, name, [] if name == "executions" else copy.deepcopy(value, memo))
    return clone


def install() -> None:
    StateMachine.__deepcopy__ = _copy_without_executions  # type: ignore[attr-defined]

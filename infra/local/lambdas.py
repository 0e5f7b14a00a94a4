"""Lambda code runs in this process: moto's invoke is pointed at the Python handler named by the function.

moto would start a Docker container per invocation; there is no Docker here. The patched method is
private (`LambdaFunction._invoke_lambda`), so tests/integration keeps a canary on it.
"""

import importlib
import json
import logging
import os
import threading
import traceback
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from moto.awslambda.models import LambdaFunction

log = logging.getLogger("hotline.local")
_environment_lock = threading.Lock()
_applied: dict[str, str] = {}


class LocalContext:
    def __init__(self, function: LambdaFunction) -> None:
        self.function_name = function.function_name
        self.memory_limit_in_mb = int(function.memory_size or 128)
        self.invoked_function_arn = function.function_arn
        self.aws_request_id = os.urandom(8).hex()
        self._timeout = int(function.timeout or 3)

    def get_remaining_time_in_millis(self) -> int:
        return self._timeout * 1000


def _apply_environment(function: LambdaFunction) -> None:
    """One process hosts every function, so their variables must agree (they share the same resources).

    Each function builds its services from its own settings on its first invocation (hotline.services), like
    once per cold start in AWS, so its variables are all set by then."""
    with _environment_lock:
        for name, value in (function.environment_vars or {}).items():
            if _applied.get(name, value) != value:
                raise RuntimeError(f"functions disagree on {name}: {_applied[name]!r} vs {value!r}")
            _applied[name] = value
            os.environ[name] = value


def _handler(function: LambdaFunction) -> Callable[[Any, Any], Any]:
    module_name, _, attribute = str(function.handler).rpartition(".")
    handler: Callable[[Any, Any], Any] = getattr(importlib.import_module(module_name), attribute)
    return handler


def invoke_in_process(function: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    _apply_environment(function)
    try:
        result = _handler(function)(event if event is not None else {}, LocalContext(function))
        return json.dumps(result), False, ""
    except Exception as error:
        log.exception("function %s failed", function.function_name)
        payload = {"errorMessage": str(error), "errorType": type(error).__name__}
        return json.dumps(payload), True, traceback.format_exc()


def invocation_client(region: str) -> Any:
    """A Lambda client that invokes once, as API Gateway and the event-source pollers do: botocore's retry
    after a read timeout would run the function a second time (a second ticket, a batch twice)."""
    return boto3.client(
        "lambda", region_name=region, config=Config(read_timeout=900, retries={"total_max_attempts": 1})
    )


MOTO_INVOKE = LambdaFunction._invoke_lambda
"""moto's own method, kept so the canary test can check its signature after the patch."""


def install() -> None:
    LambdaFunction._invoke_lambda = invoke_in_process  # type: ignore[method-assign,assignment]

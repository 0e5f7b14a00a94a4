"""Lambda code runs in this process: moto's invoke is pointed at the Python handler named by the function.

moto would start a Docker container per invocation; there is no Docker here. The patched method is
private (`LambdaFunction._invoke_lambda`), so tests/integration keeps a canary on it.
"""

import importlib
import json
import logging
import os
import pkgutil
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
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


Handler = Callable[[Any, Any], Any]


CONTAINERS_PER_FUNCTION = 4
"""How many containers a function runs at once here, like Lambda's reserved concurrency; more invocations wait for
an idle one. Everything shares one process and its interpreter lock: more containers would not run more at once,
and each costs a cold start (a copy of the function's modules), which made a burst slower than the same requests one
after another."""


class Containers:
    """Lambda runs one invocation per container at a time, and code relies on it: Powertools keeps the request
    being resolved on the module-level resolver. Here threads invoke at once, so each concurrent invocation
    takes an idle container — a copy of the function's own modules (`functions.*`) — or starts a new one, up to
    `limit` per function.

    The first container is the ordinary import, so tests that reach into the module see the one invoked
    alone. The domain layer (`hotline`) stays shared, like the resources it talks to."""

    def __init__(self, limit: int = CONTAINERS_PER_FUNCTION) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._freed: dict[str, threading.Condition] = {}
        """Per function: a container came free (one waiter is woken for it, not every waiting invocation)."""
        self._idle: dict[str, list[Handler]] = {}
        self._running: Counter[str] = Counter()
        """Containers per function, idle or busy."""
        self._started: set[str] = set()
        self._generation = 0

    @contextmanager
    def container(self, handler_name: str) -> Iterator[Handler]:
        with self._lock:
            idle = self._idle.setdefault(handler_name, [])
            freed = self._freed.setdefault(handler_name, threading.Condition(self._lock))
            freed.wait_for(lambda: bool(idle) or self._running[handler_name] < self._limit)
            handler = idle.pop() if idle else None
            if handler is None:
                self._running[handler_name] += 1
            first = handler_name not in self._started
            self._started.add(handler_name)
            generation = self._generation
        try:
            if handler is None:
                # Only our Lambda code gets copies: a test's stand-in handler records into its own module.
                isolated = not first and handler_name.startswith(LAMBDA_PACKAGE)
                handler = self._cold_start(handler_name, isolated=isolated)
            yield handler
        finally:
            with self._lock:
                if generation == self._generation and handler is not None:
                    self._idle.setdefault(handler_name, []).append(handler)
                elif generation == self._generation:
                    self._running[handler_name] -= 1  # its cold start failed
                freed.notify()

    def discard(self) -> None:
        """Every function starts cold on its next invocation (tests change the environment between them)."""
        with self._lock:
            self._idle.clear()
            self._running.clear()
            self._started.clear()
            self._generation += 1
            for freed in self._freed.values():
                freed.notify_all()

    @staticmethod
    def _cold_start(handler_name: str, *, isolated: bool) -> Handler:
        module_name, _, attribute = handler_name.rpartition(".")
        package = module_name.partition(".")[0]
        with _import_lock:
            if not isolated:
                handler: Handler = getattr(_import_all(module_name), attribute)
                return handler
            _import_all(module_name)  # the shared copy first, so it is never the one swapped out
            ours = {name: module for name, module in sys.modules.items() if _within(name, package)}
            for name in ours:
                del sys.modules[name]
            try:
                handler = getattr(_import_all(module_name), attribute)
            finally:
                for name in [name for name in sys.modules if _within(name, package)]:
                    del sys.modules[name]
                sys.modules.update(ours)
        return handler


def _import_all(module_name: str) -> ModuleType:
    """The handler's module, and every module of its function's package with it. A function may import some on
    demand (the API its routes); here each container must hold its own beforehand, found through its packages, since
    an import at request time would find the shared copy — or none, while another container's cold start swaps them."""
    module = importlib.import_module(module_name)
    own = importlib.import_module(module_name.rpartition(".")[0])  # functions.api
    for found in pkgutil.walk_packages(own.__path__, f"{own.__name__}."):
        importlib.import_module(found.name)
    return module


LAMBDA_PACKAGE = "functions."


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


class _PerThread:
    """An attribute whose value belongs to the thread that set it."""

    def __init__(self) -> None:
        self._held = threading.local()

    def __get__(self, owner: object, kind: type | None = None) -> Any:
        try:
            return self._held.value
        except AttributeError:
            raise AttributeError("current_event") from None

    def __set__(self, owner: object, value: Any) -> None:
        self._held.value = value


def _one_request_per_thread() -> None:
    """Powertools' resolver keeps the request it is resolving on a class (`BaseRouter.current_event = …`), which every
    container's copy of our code shares with the others (Powertools itself is one copy: a copy per container would
    mix its classes). In Lambda a process runs one request; here each invocation runs on a thread of its own, so the
    request is kept per thread: two containers' concurrent requests no longer read each other's query string."""
    from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

    current = _PerThread()

    class RouterType(type(BaseRouter)):  # type: ignore[misc]
        current_event = current  # `BaseRouter.current_event` itself, read or set

    BaseRouter.current_event = current  # type: ignore[assignment]  # an instance's `self.current_event`
    BaseRouter.__class__ = RouterType  # type: ignore[method-assign]  # then the class's own, through its new type


_one_request_per_thread()


_import_lock = threading.Lock()
containers = Containers()


def invoke_in_process(function: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    _apply_environment(function)
    try:
        with containers.container(str(function.handler)) as handler:
            result = handler(event if event is not None else {}, LocalContext(function))
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

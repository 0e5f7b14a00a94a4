"""What a piece of work is billed for, observed where it happens: DynamoDB requests where moto answers them (with
the items before and after each write, and the table's indexes), the other AWS requests our code sends, and every
in-process Lambda invocation with its duration. tests/bench/cost.py turns each into billed units."""

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from botocore.client import BaseClient
from moto.core.responses import BaseResponse
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

from infra.local import lambdas
from tests.bench import cost

PRICED = {
    ("events", "PutEvents"),
    ("sns", "Publish"),
    ("s3", "PutObject"),
    ("s3", "GetObject"),
    *(("sqs", operation) for operation in ("SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage")),
    ("sqs", "ChangeMessageVisibility"),
}
"""The requests of other services that are billed per request (Step Functions bills transitions, not calls)."""


@dataclass
class DynamoUsage:
    write_units: float = 0
    """The table's own (ticket, timeline, serial … items)."""
    read_units: float = 0
    index_write_units: Counter[str] = field(default_factory=Counter)
    """Per index, with the projections the table has."""
    index_write_units_if_all: Counter[str] = field(default_factory=Counter)
    """Per index, had every index projected every attribute (as before issue 14)."""


@dataclass(frozen=True)
class Invocation:
    handler: str
    cpu_ms: float
    """CPU time of the invocation's thread: our code, botocore, and moto answering its requests."""
    moto_ms: float
    """The part of it moto spent answering (on AWS, the services' time, waited for over the network)."""
    calls: Counter[str]
    """AWS requests it made, by service."""


@dataclass
class Usage:
    dynamodb: DynamoUsage = field(default_factory=DynamoUsage)
    invocations: list[Invocation] = field(default_factory=list)
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(service, operation) -> count, for the services billed per request."""
    events_put: int = 0
    log_bytes: int = 0


class Meter:
    """Records into `usage` while running."""

    def __init__(self) -> None:
        self.usage = Usage()
        self._lock = threading.Lock()
        self._on = False
        self._thread = threading.local()
        """Per thread: moto's CPU time so far, and the AWS requests made, by service."""

    @contextmanager
    def running(self) -> Iterator["Meter"]:
        undo = [
            self._meter_dynamodb(),
            self._meter_requests(),
            self._meter_moto(),
            self._meter_lambdas(),
            self._meter_logs(),
        ]
        self._on = True
        try:
            yield self
        finally:
            self._on = False
            for restore in undo:
                restore()

    # -- DynamoDB, at moto -------------------------------------------------------------------------------------

    def _meter_dynamodb(self) -> Callable[[], None]:
        originals = {name: getattr(DynamoHandler, name) for name in DYNAMO_OPERATIONS}
        meter = self

        def metered(name: str, original: Callable[[DynamoHandler], Any]) -> Callable[[DynamoHandler], Any]:
            def answer(handler: DynamoHandler) -> Any:
                if not meter._on:
                    return original(handler)
                backend, body = handler.dynamodb_backend, handler.body
                before = {key: _item(backend, *key) for key in _written_keys(name, body)}
                response = original(handler)  # a refused write (a failed condition) is not counted in units
                with meter._lock:
                    usage = meter.usage.dynamodb
                    for (table, key), old in before.items():
                        new = _item(backend, table, key)
                        transactional = name == "transact_write_items"
                        _add_write(usage, backend.get_table(table), old, new, transactional=transactional)
                    usage.read_units += _read_units(name, body, backend, response.result)
                return response

            return answer

        for name, original in originals.items():
            setattr(DynamoHandler, name, metered(name, original))
        return lambda: [setattr(DynamoHandler, name, original) for name, original in originals.items()] and None

    # -- other AWS requests our code sends ----------------------------------------------------------------------

    def _meter_requests(self) -> Callable[[], None]:
        original = BaseClient._make_api_call
        meter = self

        def call(client: BaseClient, operation: str, params: Any) -> Any:
            service = client.meta.service_model.service_name
            meter._calls()[service] += 1
            if meter._on and (service, operation) in PRICED:
                with meter._lock:
                    meter.usage.requests[service, operation] += 1
                    if operation == "PutEvents":
                        meter.usage.events_put += sum(
                            -(-len(json.dumps(entry, default=str).encode()) // (64 * cost.KB))
                            for entry in params["Entries"]
                        )
            return original(client, operation, params)

        BaseClient._make_api_call = call  # type: ignore[method-assign]
        return lambda: setattr(BaseClient, "_make_api_call", original)

    def _calls(self) -> Counter[str]:
        if not hasattr(self._thread, "calls"):
            self._thread.calls, self._thread.moto_ms = Counter(), 0.0
        calls: Counter[str] = self._thread.calls
        return calls

    def _meter_moto(self) -> Callable[[], None]:
        """moto's own CPU time, per thread: every service's answer goes through `BaseResponse.call_action`."""
        original = BaseResponse.call_action
        meter = self

        def call_action(response: BaseResponse) -> Any:
            meter._calls()
            outermost = not getattr(meter._thread, "answering", False)  # DynamoHandler's call_action calls its base's
            meter._thread.answering = True
            started = time.thread_time()
            try:
                return original(response)
            finally:
                if outermost:
                    meter._thread.answering = False
                    meter._thread.moto_ms += (time.thread_time() - started) * 1000

        BaseResponse.call_action = call_action  # type: ignore[method-assign]
        return lambda: setattr(BaseResponse, "call_action", original)

    # -- Lambda invocations in this process ---------------------------------------------------------------------

    def _meter_lambdas(self) -> Callable[[], None]:
        original = lambdas.Containers.container
        meter = self

        @contextmanager
        def container(self: lambdas.Containers, handler_name: str) -> Iterator[lambdas.Handler]:
            with original(self, handler_name) as handler:
                yield meter.timed(handler_name, handler)

        lambdas.Containers.container = container  # type: ignore[method-assign,assignment]
        return lambda: setattr(lambdas.Containers, "container", original)

    def timed(self, handler_name: str, handler: lambdas.Handler) -> lambdas.Handler:
        """The handler, recording each invocation's CPU time on its thread: our code and moto standing in for the
        services it calls (waiting for other threads on this shared, busy machine is not the function's)."""

        def invoke(event: Any, context: Any) -> Any:
            calls = self._calls()
            before, moto_before, started = Counter(calls), self._thread.moto_ms, time.thread_time()
            # moto may be the caller (its Step Functions invoking the clock): the handler's own requests count.
            answering, self._thread.answering = getattr(self._thread, "answering", False), False
            try:
                return handler(event, context)
            finally:
                self._thread.answering = answering
                cpu_ms = (time.thread_time() - started) * 1000
                made = Counter(calls)
                made.subtract(before)
                if self._on:
                    with self._lock:
                        invocation = Invocation(handler_name, cpu_ms, self._thread.moto_ms - moto_before, +made)
                        self.usage.invocations.append(invocation)

        return invoke

    # -- what the functions log ---------------------------------------------------------------------------------

    def _meter_logs(self) -> Callable[[], None]:
        meter, wrapped = self, []
        for name, logger in logging.root.manager.loggerDict.items():
            if not (name.startswith("hotline") and isinstance(logger, logging.Logger)):
                continue
            for log_handler in logger.handlers:
                emit = log_handler.emit

                def counting(record: logging.LogRecord, emit: Any = emit, log_handler: Any = log_handler) -> None:
                    if meter._on:
                        with meter._lock:
                            meter.usage.log_bytes += len(log_handler.format(record).encode()) + 1
                    emit(record)

                log_handler.emit = counting  # type: ignore[method-assign]
                wrapped.append((log_handler, emit))
        return lambda: [setattr(h, "emit", emit) for h, emit in wrapped] and None


DYNAMO_OPERATIONS = (
    "get_item",
    "batch_get_item",
    "query",
    "put_item",
    "update_item",
    "delete_item",
    "batch_write_item",
    "transact_write_items",
)

Key = tuple[str, str]
"""(table, the key as JSON): what a write names."""


def _written_keys(operation: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    if operation in {"put_item", "update_item", "delete_item"}:
        spec = body
        return [(spec["TableName"], json.dumps(spec.get("Key") or _keys_of_put(spec), sort_keys=True))]
    if operation == "transact_write_items":
        found = []
        for action in body["TransactItems"]:
            (kind, spec), *_ = action.items()
            if kind != "ConditionCheck":
                found.append((spec["TableName"], json.dumps(spec.get("Key") or _keys_of_put(spec), sort_keys=True)))
        return found
    if operation == "batch_write_item":
        return [
            (table, json.dumps(r.get("DeleteRequest", {}).get("Key") or _keys_of_put(r["PutRequest"]), sort_keys=True))
            for table, requests in body["RequestItems"].items()
            for r in requests
        ]
    return []


def _keys_of_put(spec: dict[str, Any]) -> dict[str, Any]:
    """The key attributes of a Put's item (pk and sk: the Hotline table's key)."""
    return {name: spec["Item"][name] for name in ("pk", "sk") if name in spec["Item"]}


def _item(backend: DynamoDBBackend, table: str, key: str) -> cost.Item | None:
    found = backend.get_item(table, json.loads(key))
    return None if found is None else dict(found.to_json()["Attributes"])


def indexes(table: Table) -> list[cost.Index]:
    return [
        cost.Index(
            name=index.name,
            keys=tuple(index.schema_key_attrs),
            projection=index.projection.get("ProjectionType", "ALL"),
            included=tuple(index.projection.get("NonKeyAttributes", [])),
        )
        for index in table.global_indexes
    ]


def _add_write(
    usage: DynamoUsage, table: Table, old: cost.Item | None, new: cost.Item | None, *, transactional: bool
) -> None:
    if old is None and new is None:
        return  # a write that did not happen (a cancelled transaction, a failed condition)
    usage.write_units += cost.item_write_units(old, new, transactional=transactional)
    keys = (table.hash_key_attr, *([table.range_key_attr] if table.range_key_attr else []))
    for index in indexes(table):
        usage.index_write_units[index.name] += index.write_units(old, new, keys)
        usage.index_write_units_if_all[index.name] += replace(index, projection="ALL").write_units(old, new, keys)


def _read_units(operation: str, body: dict[str, Any], backend: DynamoDBBackend, answer: dict[str, Any]) -> float:
    """Reads are billed on whole items (a projection does not shrink them), a Query on what it evaluated."""
    if operation == "get_item":
        item = _item(backend, body["TableName"], json.dumps(body["Key"], sort_keys=True))
        return cost.read_units(cost.item_size(item), consistent=bool(body.get("ConsistentRead")))
    if operation == "batch_get_item":
        return sum(
            cost.read_units(
                cost.item_size(_item(backend, table, json.dumps(key, sort_keys=True))),
                consistent=bool(spec.get("ConsistentRead")),
            )
            for table, spec in body["RequestItems"].items()
            for key in spec["Keys"]
        )
    if operation == "query":
        returned = sum(cost.item_size(item) for item in answer.get("Items", []))
        # Filters apply after the read: scale what was returned up to what was evaluated.
        evaluated = returned * answer["ScannedCount"] / answer["Count"] if answer.get("Count") else returned
        return cost.read_units(round(evaluated), consistent=bool(body.get("ConsistentRead")))
    return 0

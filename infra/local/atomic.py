"""DynamoDB's transaction semantics on moto, for tests and the local cloud (our own code is unchanged).

- Isolation: DynamoDB applies each write atomically; moto's in-memory backend does not lock, so concurrent
  requests could both pass a condition, or read (or stream) half of a transaction. moto's writes, reads and
  stream reads are serialized.
- Rollback: moto's `transact_write_items` deep-copies every table it writes before it starts, to put the copy
  back if an operation fails: a copy of the whole table and its stream per transaction, time and memory that
  grow with the table (the local cloud slowed down and ran out of memory). The replacement keeps a copy of only
  the items the transaction writes and the stream's length, and restores them when an operation fails: all or
  nothing, with the same cancellation reasons.
"""

import copy
import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import StreamRecord, Table
from moto.dynamodbstreams.models import DynamoDBStreamsBackend

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
READS = ("get_item", "query", "scan", "batch_get_item", "transact_get_items")
_lock = threading.RLock()


def _serialized(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return method(*args, **kwargs)

    run.__hotline_serialized__ = True  # type: ignore[attr-defined]
    return run


class _Journal:
    """The items a transaction is about to write, as they were, and each stream's length before it."""

    def __init__(self) -> None:
        self._items: list[tuple[Table, DynamoType, DynamoType | None, Item | None]] = []
        self._streams: list[tuple[list[StreamRecord], int]] = []

    def keep(self, table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> None:
        self._items.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
        shard = table.stream_shard
        if shard is not None and all(records is not shard.items for records, _ in self._streams):
            self._streams.append((shard.items, len(shard.items)))

    def restore(self) -> None:
        for table, hash_key, range_key, item in reversed(self._items):
            items: Any = table.items[hash_key] if range_key is not None else table.items
            key = range_key if range_key is not None else hash_key
            if item is None:
                items.pop(key, None)
            else:
                items[key] = item
        # A failed transaction leaves no stream records (the lock kept pollers from reading them meanwhile).
        for records, length in self._streams:
            del records[length:]


Reason = tuple[str | None, str | None, dict[str, Any] | None]
"""A cancellation reason: code, message, the item (ReturnValuesOnConditionCheckFailure)."""
SUCCEEDED: Reason = (None, None, None)


def _write(backend: DynamoDBBackend, operation: dict[str, Any], written: set[str], journal: _Journal) -> Reason:
    """One operation of a transaction, as moto's loop does it, after keeping what it changes."""
    if len(operation) > 1:
        raise TransactWriteSingleOpException
    kind, spec = next(iter(operation.items()))
    if kind not in {"ConditionCheck", "Put", "Delete", "Update"}:
        raise ValueError("Unsupported transaction operation")
    name = spec["TableName"]
    table = backend.get_table(name)
    if kind == "Put":
        attributes = spec["Item"]
        key = {table.hash_key_attr: attributes[table.hash_key_attr]}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = attributes[table.range_key_attr]
    else:
        key = spec["Key"]
    target = f"{name} {dict(sorted(key.items()))}"
    if target in written:
        raise MultipleTransactionsException()
    written.add(target)
    names, values = spec.get("ExpressionAttributeNames"), spec.get("ExpressionAttributeValues")
    condition = spec.get("ConditionExpression")
    current = backend.get_item(name, key)
    if condition is not None and not get_filter_expression(condition, names, values).expr(current):
        wanted = spec.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        old = current.to_json()["Attributes"] if wanted and current is not None else None
        return "ConditionalCheckFailed", ConditionalCheckFailed().message, old
    if kind == "ConditionCheck":
        return SUCCEEDED
    journal.keep(table, *backend.get_keys_value(table, key))
    conditions: dict[str, Any] = {
        "condition_expression": condition,
        "expression_attribute_names": names,
        "expression_attribute_values": values,
    }
    if kind == "Put":
        backend.put_item(name, spec["Item"], **conditions)
    elif kind == "Delete":
        backend.delete_item(name, key, **conditions)
    else:
        backend.update_item(name, key, update_expression=spec["UpdateExpression"], **conditions)
    return SUCCEEDED


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto's `transact_write_items` with a rollback of the written items instead of copies of whole tables."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    journal = _Journal()
    written: set[str] = set()
    errors: list[Reason] = []
    try:
        for operation in transact_items:
            try:
                errors.append(_write(self, operation, written, journal))
            except MockValidationException:  # the whole request is invalid
                raise
            except Exception as error:  # noqa: BLE001 - as moto does: any other failure is this operation's reason
                errors.append((type(error).__name__, str(error), None))
    except BaseException:
        journal.restore()
        raise
    if any(reason != SUCCEEDED for reason in errors):
        journal.restore()
        raise TransactionCanceledException(errors)


def install() -> None:
    if not getattr(DynamoDBBackend.transact_write_items, "__hotline_serialized__", False):
        DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    for owner, names in ((DynamoDBBackend, WRITES + READS), (DynamoDBStreamsBackend, ("get_records",))):
        for name in names:
            method = getattr(owner, name, None)
            if method is not None and not getattr(method, "__hotline_serialized__", False):
                setattr(owner, name, _serialized(method))

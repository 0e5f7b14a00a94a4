"""DynamoDB requests counted where moto answers them, by operation: what reached the table, whoever sent it."""

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb.responses import DynamoHandler

OPERATIONS = {
    "get_item": "GetItem",
    "batch_get_item": "BatchGetItem",
    "query": "Query",
    "scan": "Scan",
    "transact_get_items": "TransactGetItems",
    "put_item": "PutItem",
    "update_item": "UpdateItem",
    "delete_item": "DeleteItem",
    "batch_write_item": "BatchWriteItem",
    "transact_write_items": "TransactWriteItems",
}
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


@contextmanager
def dynamodb_requests() -> Iterator[Counter[str]]:
    """Counts every DynamoDB request moto receives while inside (failed ones too), e.g. `{"UpdateItem": 100}`."""
    seen: Counter[str] = Counter()
    lock = threading.Lock()
    originals = {name: getattr(DynamoHandler, name) for name in OPERATIONS}

    def counting(name: str, original: Callable[[DynamoHandler], Any]) -> Callable[[DynamoHandler], Any]:
        def answer(self: DynamoHandler) -> Any:
            with lock:
                seen[OPERATIONS[name]] += 1
            return original(self)

        return answer

    for name, original in originals.items():
        setattr(DynamoHandler, name, counting(name, original))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(DynamoHandler, name, original)


def writes(seen: Counter[str]) -> int:
    return sum(count for operation, count in seen.items() if operation in WRITES)

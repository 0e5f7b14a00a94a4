"""DynamoDB applies each write atomically; moto's in-memory backend does not lock, so concurrent requests
could both pass a condition. Serializing moto's writes restores DynamoDB's semantics for tests and the
local cloud (our own code is unchanged)."""

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_lock = threading.RLock()


def _serialized(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return method(*args, **kwargs)

    run.__hotline_serialized__ = True  # type: ignore[attr-defined]
    return run


def install() -> None:
    for name in WRITES:
        method = getattr(DynamoDBBackend, name, None)
        if method is not None and not getattr(method, "__hotline_serialized__", False):
            setattr(DynamoDBBackend, name, _serialized(method))

"""Configuration kept per container while its version stamp stays the same.

Every configuration write (catalogue, SLA policies, ladder, routing, calendars, units) bumps the stamp
(`CONFIG#stamp`) in the same transaction. A container reads the stamp once per request or wake-up, when it first
needs a configuration document, and drops what it keeps when the stamp has moved: an admin's change is seen by the
next request in every container, a request that needs no configuration reads nothing, and one that does reads one
small item instead of every document.
"""

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from hotline.store.models import TableModels

T = TypeVar("T")
STAMP = ("CONFIG#stamp", "CONFIG")


class ConfigCache:
    def __init__(self, models: TableModels) -> None:
        self._counter = models.serial
        self._connection = Connection(region=models.serial.Meta.region)
        self._lock = threading.Lock()
        self._kept: dict[str, Any] = {}
        self._stamp: int | None = None
        # Per thread: the local cloud runs concurrent invocations on threads that share this layer.
        self._checked = threading.local()

    def new_request(self) -> None:
        """The next document asked for checks the stamp first: call at the start of every request or wake-up."""
        self._checked.done = False

    def get(self, key: str, load: Callable[[], T]) -> T:
        """The document kept under `key`, or `load()` (which must read consistently) kept from now on."""
        stamp = self._current_stamp()
        with self._lock:
            if key in self._kept:
                return self._kept[key]  # type: ignore[no-any-return]
        value = load()
        with self._lock:
            if self._stamp == stamp:  # not if another thread saw a newer stamp meanwhile: this may be older
                self._kept[key] = value
        return value

    def save(self, *items: Model) -> None:
        """Store a configuration document (and its copies) and bump the stamp, in one transaction."""
        with TransactWrite(connection=self._connection) as tx:
            for item in items:
                tx.save(item)
            tx.update(self._counter(*STAMP), actions=[self._counter.serial.add(1)])
        with self._lock:  # this container reads its own change back at once
            self._kept.clear()
            self._stamp = None
        self._checked.done = False

    def _current_stamp(self) -> int | None:
        if getattr(self._checked, "done", False):
            return self._stamp
        try:
            stamp = int(self._counter.get(*STAMP, consistent_read=True).serial)
        except self._counter.DoesNotExist:
            stamp = 0
        with self._lock:
            if stamp != self._stamp:
                self._kept.clear()
                self._stamp = stamp
        self._checked.done = True
        return stamp


class FreshConfig(ConfigCache):
    """Reads every document afresh, as before the cache: for functions whose handlers do not mark each invocation
    with `new_request` (their writes still bump the stamp, so the caching functions see them)."""

    def get(self, key: str, load: Callable[[], T]) -> T:
        return load()

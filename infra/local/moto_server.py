"""Two costs of moto's server that the local cloud pays on every request, and avoids (the answers are unchanged).

- It finds the service of every request under one lock that all requests share, by listing moto's package directory
  (an `isdir` for each of its ~160 entries) and then trying each service's URL patterns. The answer for a host never
  changes while the cloud runs: it is remembered.
- It writes every response through a serializer driven by the service's model, which takes ~300 ms for a page of
  100 stream records (the stream pollers ask for one several times a second, under the lock of atomic.py that holds
  every table request back meanwhile). A `GetRecords` answer is plain JSON already: it is written as such, with
  `ApproximateCreationDateTime` in epoch seconds to the millisecond and binary values in base64, as moto's serializer
  writes them.
"""

import base64
import json
from datetime import datetime
from typing import Any

from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_moto_backend_for_host = DomainDispatcherApplication.get_backend_for_host
MOTO_GET_RECORDS = DynamoDBStreamsHandler.get_records
"""moto's own, kept for the test that compares both answers."""


def _remembered(self: DomainDispatcherApplication, host: str | None) -> Any:
    known: dict[str | None, Any] = self.__dict__.setdefault("_hotline_backends", {})
    if host not in known:
        known[host] = _moto_backend_for_host(self, host)
    return known[host]


def _wire(value: object) -> float | str:
    """What JSON lacks, as the service's wire format has it."""
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000) / 1000
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"{type(value).__name__} in a stream record")


def _get_records(self: DynamoDBStreamsHandler) -> str:
    limit = self._get_param("Limit")
    page = self.backend.get_records(self._get_param("ShardIterator"), 1000 if limit is None else limit)
    return json.dumps(page, default=_wire)


def install() -> None:
    DomainDispatcherApplication.get_backend_for_host = _remembered  # type: ignore[method-assign]
    DynamoDBStreamsHandler.get_records = _get_records  # type: ignore[assignment,method-assign]

"""moto answers every Query by sorting every item of the table by its key (`Table.all_items`) and then keeping those
it asked for, under atomic.py's lock, which holds the table's other requests back meanwhile: reading one ticket's
timeline cost a sort of every ticket's items, tens of milliseconds once a few hundred tickets were in. Here a Query
gets only what it can match, unsorted: a table Query its partition (moto sorts it by the range key afterwards), an
index Query every item (moto sorts what matches by the index's keys, then the table's — one order whatever came
first). The answers are unchanged; a Scan, whose pages follow moto's sorted list, still gets it."""

import threading
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

_moto_query = Table.query
_moto_all_items = Table.all_items
_asking = threading.local()
"""The Query this thread is answering: (its hash key, its index)."""
INDEX_NAME = 7
"""`index_name`'s place among `Table.query`'s arguments after `self`."""


def _query(self: Table, *args: Any, **kwargs: Any) -> Any:
    index_name = kwargs.get("index_name", args[INDEX_NAME] if len(args) > INDEX_NAME else None)
    _asking.query = (args[0] if args else kwargs["hash_key"], index_name)
    try:
        return _moto_query(self, *args, **kwargs)
    finally:
        del _asking.query


def _items(self: Table) -> list[Item]:
    asked: tuple[DynamoType | None, str | None] | None = getattr(_asking, "query", None)
    if asked is None:
        return _moto_all_items(self)
    hash_key, index_name = asked
    if index_name:
        partitions: list[Any] = list(self.items.values())
    else:
        found = self.items.get(hash_key)  # type: ignore[call-overload]
        partitions = [] if found is None else [found]
    if not self.range_key_attr:
        return partitions  # without a range key, a partition is its one item
    return [item for partition in partitions for item in partition.values()]


def install() -> None:
    if Table.query is not _query:
        Table.query = _query  # type: ignore[method-assign]
        Table.all_items = _items  # type: ignore[method-assign]

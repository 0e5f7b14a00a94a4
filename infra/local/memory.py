"""moto keeps things a long-running local cloud must let go of.

- Every model object moto ever creates (each DynamoDB item version, each copy a query returns, each stream
  record, message, execution …) is appended to its class's `instances_tracked` list for moto's dashboard
  (`/moto-api/data.json`): nothing is ever freed. The local cloud does without that dashboard.
- Each `GetRecords` on a DynamoDB stream leaves a new shard iterator in the backend for good (the stream poller
  asks five times a second). AWS expires an iterator after 15 minutes; here the newest `SHARD_ITERATORS` stay
  valid (over half an hour of idle polling).
"""

from typing import Any

from moto.core.common_models import BaseModel
from moto.dynamodbstreams.models import DynamoDBStreamsBackend, ShardIterator

SHARD_ITERATORS = 10_000
_moto_base_new = BaseModel.__new__  # moto's own, kept for the canary test (tests/integration/test_moto_canary.py)
_moto_streams_init = DynamoDBStreamsBackend.__init__


class RecentIterators(dict[str, ShardIterator]):
    """Shard iterators by ARN, forgetting the oldest beyond `SHARD_ITERATORS`."""

    def __setitem__(self, arn: str, iterator: ShardIterator) -> None:
        super().__setitem__(arn, iterator)
        while len(self) > SHARD_ITERATORS:
            del self[next(iter(self))]


def _untracked(cls: type[BaseModel], *args: Any, **kwargs: Any) -> BaseModel:
    return super(BaseModel, cls).__new__(cls)


def _streams_init(self: DynamoDBStreamsBackend, region_name: str, account_id: str) -> None:
    _moto_streams_init(self, region_name, account_id)
    self.shard_iterators = RecentIterators()


def install() -> None:
    BaseModel.__new__ = staticmethod(_untracked)  # type: ignore[method-assign,assignment]
    DynamoDBStreamsBackend.__init__ = _streams_init  # type: ignore[method-assign]

"""Partner retries: Powertools idempotency on the Hotline table, keyed by (partner, Idempotency-Key).

The stored result is replayed for a retry with the same body; a different body under the same key
raises IdempotencyValidationError, a retry racing the first request IdempotencyAlreadyInProgressError.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from hotline.settings import settings

KEPT_SECONDS = 24 * 3600

config = IdempotencyConfig(
    event_key_jmespath="[partner, key]",
    payload_validation_jmespath="body",
    expires_after_seconds=KEPT_SECONDS,
    raise_on_no_idempotency_key=True,
)

Work = Callable[[str, dict[str, Any]], dict[str, Any]]


@lru_cache(maxsize=8)
def once(work: Work) -> Callable[[str, str, dict[str, Any]], dict[str, Any]]:
    """`work(partner, body)` run at most once per (partner, key) within KEPT_SECONDS."""
    persistence = DynamoDBPersistenceLayer(
        table_name=settings().table_name, key_attr="pk", sort_key_attr="sk", expiry_attr="expires_at"
    )

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)
    def run(request: dict[str, Any]) -> dict[str, Any]:
        return work(request["partner"], request["body"])

    return lambda partner, key, body: run(request={"partner": partner, "key": key, "body": body})

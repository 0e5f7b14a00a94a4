"""Partner retries: Powertools idempotency on the Hotline table, keyed by (partner, Idempotency-Key).

The stored result is replayed for a retry with the same body; a different body under the same key
raises IdempotencyValidationError (422 `idempotency_key_reused`). A retry that arrives while the first
request is still running waits for it (polling the record, bounded by WAIT_SECONDS and the Lambda's
remaining time) and then replays the same result, so concurrent retries all get the one 201 body.
Only if the first request is still running after that does the retry get 409 `request_in_progress`.
"""

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyInconsistentStateError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.domain.base.errors import Conflict, FieldProblem, InvalidInput
from hotline.services import api_services

KEPT_SECONDS = 24 * 3600
WAIT_SECONDS = 8.0
"""How long a retry waits for the first request (the API function's timeout is 10 s)."""
FIRST_POLL, LAST_POLL = 0.02, 0.25
RESERVED_MILLIS = 1500
"""Lambda time kept back for answering after the wait."""

config = IdempotencyConfig(
    event_key_jmespath="[partner, key]",
    payload_validation_jmespath="body",
    expires_after_seconds=KEPT_SECONDS,
    raise_on_no_idempotency_key=True,
)

Work = Callable[[str, dict[str, Any]], dict[str, Any]]
Once = Callable[[str, str, dict[str, Any]], dict[str, Any]]


def _wait_budget() -> float:
    context = config.lambda_context
    if context is None:
        return WAIT_SECONDS
    remaining = (context.get_remaining_time_in_millis() - RESERVED_MILLIS) / 1000
    return max(0.0, min(WAIT_SECONDS, remaining))


def waiting(run: Once, sleep: Callable[[float], None] = time.sleep) -> Once:
    """`run`, retried while another request holds the same key, until it has a result to replay."""

    def call(partner: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
        deadline = time.monotonic() + _wait_budget()
        pause = FIRST_POLL
        while True:
            try:
                return run(partner, key, body)
            except (IdempotencyAlreadyInProgressError, IdempotencyInconsistentStateError):
                # In progress: the first request is running. Inconsistent: its record changed under us
                # (finished, failed and was removed, or its lock expired) — Powertools says retry.
                if time.monotonic() + pause > deadline:
                    raise
                sleep(pause)
                pause = min(pause * 2, LAST_POLL)

    return call


class KeyReused(InvalidInput):
    code = "idempotency_key_reused"


def answered(run: Once) -> Once:
    """`run`, with Powertools' refusals raised as errors functions/api/errors answers (this module is imported only
    for a partner's retry: its own exception types would be one more module every request loads)."""

    def call(partner: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return run(partner, key, body)
        except IdempotencyValidationError as error:
            problem = FieldProblem("Idempotency-Key", "already used for another request")
            raise KeyReused("this Idempotency-Key was already used with a different body", [problem]) from error
        except IdempotencyAlreadyInProgressError as error:
            message = "the first request with this Idempotency-Key is still running"
            raise Conflict(message, code="request_in_progress") from error

    return call


@lru_cache(maxsize=8)
def once(work: Work) -> Once:
    """`work(partner, body)` run at most once per (partner, key) within KEPT_SECONDS."""
    persistence = DynamoDBPersistenceLayer(
        table_name=api_services().settings.table_name, key_attr="pk", sort_key_attr="sk", expiry_attr="expires_at"
    )

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)
    def run(request: dict[str, Any]) -> dict[str, Any]:
        return work(request["partner"], request["body"])

    return answered(waiting(lambda partner, key, body: run(request={"partner": partner, "key": key, "body": body})))


def exactly_once(work: Work, context: LambdaContext) -> Once:
    """`once(work)` within this invocation: a retry waits for the first request no longer than it has left."""
    config.register_lambda_context(context)
    return once(work)

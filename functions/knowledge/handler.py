"""Keeps the knowledge search index's image current, run by an EventBridge Scheduler schedule every few minutes
(infra/constructs/knowledge.py): the index is brought up to date from the change log — in a warm container one
Query; in a new one the stored image first — and stored again when articles changed since (search.LiveIndex.publish).
A new API container starts from that image, so indexing every article never happens on a request. The schedule's
input is not read: a late, repeated or missed run stores the same image."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.services import knowledge_services

logger = Logger(service="hotline-knowledge")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int | None]:
    stored = knowledge_services().index.publish()
    # A run that found nothing changed (most of them) logs nothing at the default level.
    (logger.info if stored is not None else logger.debug)("index image", extra={"stored_revision": stored})
    return {"stored_revision": stored}

"""The table stream's consumer: each ticket write's events go onto the event bus (the outbox)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.domain.publication import publications
from hotline.services import services
from hotline.store.outbox import written

logger = Logger(service="hotline-events")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def publish(record: DynamoDBRecord) -> None:
    write = written(record.dynamodb.new_image if record.dynamodb else None)
    if write is None:
        return  # not a ticket (its timeline, a partner, a serial …)
    ticket, events = write
    services().event_bus.publish(publications(ticket, events))
    logger.debug("published", extra={"ticket": ticket.number, "events": [e.type for e in events]})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=publish, processor=processor, context=context)

"""The table stream's second consumer: each ticket write's events counted into the reports' aggregates, per local day
and dimension (hotline/domain/reports/tally.py), each event once however often the stream delivers it. Apart from
functions/events, so a failure to count never repeats the notifications and texts a write sends, nor the other way
round; a write that still fails after its retries is kept in its own dead-letter queue (infra/constructs/reports.py)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.services import aggregates_services
from hotline.store.outbox import written

logger = Logger(service="hotline-aggregates")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def count_write(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    write = written(change.new_image if change else None)
    if write is None:
        return  # not a ticket
    counted = aggregates_services().aggregator.take(write.ticket, write.events)
    logger.debug("counted", extra={"ticket": write.ticket.number, "events": len(write.events), "counted": counted})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    aggregates_services()  # an incomplete environment fails the invocation (SettingsError), not each record
    return process_partial_response(event=event, record_handler=count_write, processor=processor, context=context)

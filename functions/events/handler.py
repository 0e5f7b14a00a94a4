"""The table stream's consumer: each ticket write's events go onto the event bus and its notifications to the units'
topic (the outbox), and a write that moved the ticket clock to a new generation makes sure that generation runs
(hotline/domain/handling/relay.py); each major incident's write is handed on likewise (incidents/relay.py). A write
that fails is retried, then kept in the `Unpublished` queue: at least once."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.services import events_services
from hotline.store.incidents import incident_written
from hotline.store.outbox import written

logger = Logger(service="hotline-events")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def handle_write(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    incident = incident_written(change.new_image if change else None)
    if incident is not None:
        events_services().incident_relay.hand_on(incident)  # a major incident's events, notice and metric
        return
    write = written(change.new_image if change else None)
    if write is None:
        return  # not a ticket (its timeline, a partner, a serial …)
    before = written(change.old_image if change else None)
    services = events_services()
    # Counted first: a failure retries the write before anything went out, and counting again counts nothing twice.
    services.citations.count(write.ticket, before.ticket if before else None)
    # Also before: a primary's reply reaches its bound tickets (each in its own write, once), repeat complaints are
    # flagged; a failure retries the write before this one's texts went out.
    services.follow_up.follow(write.ticket, write.events)
    services.relay.hand_on(write, before.ticket if before else None)
    logger.debug(
        "handed on",
        extra={
            "ticket": write.ticket.number,
            "events": [e.type for e in write.events],
            "notifications": [n.kind for n in write.notifications],
        },
    )


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    events_services()  # an incomplete environment fails the invocation (SettingsError), not each record
    return process_partial_response(event=event, record_handler=handle_write, processor=processor, context=context)

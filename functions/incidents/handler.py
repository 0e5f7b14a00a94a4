"""Major-incident detection: each new ticket (`ticket.created`, put on the `Detections` queue by a bus rule) is looked
at once the request that made it is long answered (hotline/domain/incidents/desk.py). At least once: a message that
fails comes back after its visibility timeout, and is kept in the dead-letter queue after its last receive; looking
at a ticket again changes nothing."""

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.services import incidents_services

logger = Logger(service="hotline-incidents")
processor = BatchProcessor(event_type=EventType.SQS)


def look(record: SQSRecord) -> None:
    number = str(json.loads(record.body)["detail"]["number"])
    incident = incidents_services().detector.ticket_created(number)
    if incident is not None:
        logger.info("in an incident", extra={"ticket": number, "incident": incident.id, "size": len(incident.tickets)})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    incidents_services()  # an incomplete environment fails the invocation (SettingsError), not each message
    return process_partial_response(event=event, record_handler=look, processor=processor, context=context)

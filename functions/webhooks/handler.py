"""The webhook sender: one delivery attempt per queued event; a failure backs off through the queue."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.aws.sqs import parse
from hotline.domain.tickets.publication import PublishedEvent
from hotline.services import webhook_services

logger = Logger(service="hotline-webhooks")
processor = BatchProcessor(event_type=EventType.SQS)


class DeliveryFailed(Exception):
    """Reported to the queue as this message's failure; it comes back after its backoff."""


def deliver(record: SQSRecord) -> None:
    message = parse(record.body)
    attempt = int(record.attributes.approximate_receive_count)
    sender = webhook_services().sender
    if isinstance(message, PublishedEvent):
        result = sender.deliver(message, attempt)
        partner, event_id = message.partner_id, message.id
    else:
        result = sender.redeliver(message.partner_id, message.event_id, attempt)
        partner, event_id = message.partner_id, message.event_id
    logger.info(
        "webhook", extra={"partner": partner, "event_id": event_id, "attempt": attempt, "outcome": result.outcome}
    )
    if result.failed:
        webhook_services().queue.retry_later(record.receipt_handle, result.wait)
        raise DeliveryFailed(f"event {event_id} to {partner}: {result.outcome}")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    webhook_services()  # an incomplete environment fails the invocation (SettingsError), not each message
    return process_partial_response(event=event, record_handler=deliver, processor=processor, context=context)

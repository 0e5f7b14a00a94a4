"""The webhook delivery queue: what its messages look like, redelivery requests, and backing off.

Ticket events arrive from the bus rule as EventBridge envelopes (source `hotline.tickets`); a partner's
redelivery request is put on the same queue by the API (source `hotline.redelivery`), so both share the
sender's retries and dead-letter queue.
"""

import json
import math
from datetime import timedelta
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from hotline.aws.clients import client
from hotline.domain.tickets.publication import PublishedEvent
from hotline.timescale import ScaledClock

REDELIVERY_SOURCE = "hotline.redelivery"
MAX_VISIBILITY = timedelta(hours=12)  # SQS's ceiling


class Redelivery(BaseModel):
    partner_id: str
    event_id: str


class _TicketEventMessage(BaseModel):
    source: Literal["hotline.tickets"]  # publication.SOURCE
    detail: PublishedEvent


class _RedeliveryMessage(BaseModel):
    source: Literal["hotline.redelivery"]
    detail: Redelivery


_MESSAGE: TypeAdapter[_TicketEventMessage | _RedeliveryMessage] = TypeAdapter(
    Annotated[_TicketEventMessage | _RedeliveryMessage, Field(discriminator="source")]
)


def parse(body: str) -> PublishedEvent | Redelivery:
    return _MESSAGE.validate_json(body).detail


class SqsWebhookQueue:
    def __init__(self, queue_url: str, region: str, clock: ScaledClock) -> None:
        self._queue_url = queue_url
        self._region = region
        self._clock = clock

    @cached_property
    def _client(self) -> Any:
        return client("sqs", self._region)

    def redeliver(self, partner_id: str, event_id: str) -> None:
        detail = Redelivery(partner_id=partner_id, event_id=event_id).model_dump()
        message = {"source": REDELIVERY_SOURCE, "detail-type": "webhook.redelivery", "detail": detail}
        self._client.send_message(QueueUrl=self._queue_url, MessageBody=json.dumps(message))

    def retry_later(self, receipt_handle: str, wait: timedelta) -> None:
        """Keep a failed message out of sight for `wait` of domain time (the local cloud runs it faster)."""
        seconds = min(self._clock.wall_duration(wait), MAX_VISIBILITY).total_seconds()
        self._client.change_message_visibility(
            QueueUrl=self._queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=math.ceil(seconds)
        )


class SqsReportRequests:
    """The queue the reports function generates reports from: on-demand requests (the API) and the schedules'
    firings (EventBridge Scheduler) share its retries and its dead-letter queue (infra/constructs/reports.py)."""

    def __init__(self, queue_url: str, region: str) -> None:
        self._queue_url = queue_url
        self._region = region

    @cached_property
    def _client(self) -> Any:
        return client("sqs", self._region)

    def request(self, report_id: str) -> None:
        self._client.send_message(QueueUrl=self._queue_url, MessageBody=json.dumps({"report_id": report_id}))

"""Sending one event to its partner's endpoint, and deciding what happens when that fails.

The queue in front of the sender does the waiting: a failed attempt tells it how long to keep the event
out of sight (`RETRY_AFTER`), and the attempt after the last one finds the event in the dead-letter queue.
Every attempt is written to the delivery log, which is also how a duplicate of a delivered event is spotted.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from hotline.domain.base.clock import Clock
from hotline.domain.tickets.publication import PublishedEvent
from hotline.domain.webhooks.delivery import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Attempt,
    Delivery,
    DeliveryStatus,
    Subscription,
    WebhookPayload,
    retry_after,
    sign,
)
from hotline.domain.webhooks.ports import DeliveryLog, WebhookSubscriptions, WebhookTransport

USER_AGENT = "Hotline-Webhooks/1"


class Outcome(StrEnum):
    DELIVERED = "delivered"
    SKIPPED = "skipped"  # nobody to send it to, or already delivered
    RETRY = "retry"  # failed; try again after `wait`
    GIVE_UP = "give_up"  # failed for the last time; the queue dead-letters it


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    wait: timedelta = timedelta(0)

    @property
    def failed(self) -> bool:
        return self.outcome in (Outcome.RETRY, Outcome.GIVE_UP)


@dataclass
class WebhookSender:
    subscriptions: WebhookSubscriptions
    log: DeliveryLog
    transport: WebhookTransport
    clock: Clock
    """Domain time, for the log."""
    signing_clock: Clock
    """Wall time, for the signed timestamp receivers compare with their own clock."""

    def deliver(self, event: PublishedEvent, attempt: int) -> Result:
        """Attempt number `attempt` (the queue's receive count) at delivering a ticket event."""
        if event.partner_id is None:
            return Result(Outcome.SKIPPED)
        logged = self.log.get(event.partner_id, event.id)
        if logged is not None and logged.status is DeliveryStatus.DELIVERED:
            return Result(Outcome.SKIPPED)  # the bus delivered the event twice
        return self._attempt(logged or Delivery.first(event.partner_id, WebhookPayload.of(event)), attempt)

    def redeliver(self, partner_id: str, event_id: str, attempt: int) -> Result:
        logged = self.log.get(partner_id, event_id)
        return Result(Outcome.SKIPPED) if logged is None else self._attempt(logged, attempt)

    def _attempt(self, delivery: Delivery, attempt: int) -> Result:
        subscription = self.subscriptions.get(delivery.partner_id)
        if subscription is None:
            return Result(Outcome.SKIPPED)  # no endpoint registered (or it was removed): nothing to log
        tried = self._post(subscription, delivery.payload)
        if tried.ok:
            self.log.put(delivery.tried(tried, DeliveryStatus.DELIVERED, None))
            return Result(Outcome.DELIVERED)
        wait = retry_after(attempt)
        if wait is None:
            self.log.put(delivery.tried(tried, DeliveryStatus.FAILED, None))
            return Result(Outcome.GIVE_UP)
        self.log.put(delivery.tried(tried, DeliveryStatus.RETRYING, tried.at + wait))
        return Result(Outcome.RETRY, wait)

    def _post(self, subscription: Subscription, payload: WebhookPayload) -> Attempt:
        at = self.clock.now()
        body = payload.body()
        timestamp = int(self.signing_clock.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_ID_HEADER: payload.id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
        }
        response = self.transport.post(subscription.url, body, headers)
        return Attempt(
            at=at,
            url=subscription.url,
            status_code=response.status_code,
            error=response.failure,
            duration_ms=response.duration_ms,
        )

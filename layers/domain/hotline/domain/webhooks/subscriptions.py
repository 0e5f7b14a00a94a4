"""A partner's own webhook: register an endpoint, read the delivery log, ask for a delivery again.

Registering (again) issues a new signing secret, returned once; from then on every delivery, retries of
older events included, is signed with it. Only the partner's own tickets ever reach its endpoint.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import Conflict, NotFound
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.partners.partner import Partner
from hotline.domain.webhooks.delivery import (
    PUBLIC_ENDPOINTS,
    Delivery,
    DeliveryStatus,
    EndpointPolicy,
    Subscription,
    check_url,
)
from hotline.domain.webhooks.ports import DeliveryLog, RedeliveryQueue, WebhookSubscriptions


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


@dataclass
class PartnerWebhooks:
    subscriptions: WebhookSubscriptions
    log: DeliveryLog
    queue: RedeliveryQueue
    clock: Clock
    endpoints: EndpointPolicy = PUBLIC_ENDPOINTS
    make_secret: Callable[[], str] = field(default=new_secret, kw_only=True)

    def register(self, partner: Partner, url: str) -> Subscription:
        subscription = Subscription(
            partner_id=partner.id,
            url=check_url(url, self.endpoints),
            secret=self.make_secret(),
            created_at=self.clock.now(),
        )
        self.subscriptions.put(subscription)
        return subscription

    def get(self, partner: Partner) -> Subscription:
        subscription = self.subscriptions.get(partner.id)
        if subscription is None:
            raise NotFound("no webhook is registered")
        return subscription

    def remove(self, partner: Partner) -> None:
        self.get(partner)
        self.subscriptions.delete(partner.id)

    def deliveries(self, partner: Partner, page: PageRequest) -> Page[Delivery]:
        return self.log.list(partner.id, page)

    def delivery(self, partner: Partner, event_id: str) -> Delivery:
        delivery = self.log.get(partner.id, event_id)
        if delivery is None:
            raise NotFound(f"no delivery of event {event_id!r}")
        return delivery

    def redeliver(self, partner: Partner, event_id: str) -> Delivery:
        """Send a logged event again, delivered or not (a fixed endpoint, a lost message on their side)."""
        delivery = self.delivery(partner, event_id)
        if self.subscriptions.get(partner.id) is None:
            raise Conflict("register a webhook before asking for a redelivery", code="no_webhook")
        pending = delivery.model_copy(update={"status": DeliveryStatus.PENDING, "next_attempt_at": None})
        self.log.put(pending)
        self.queue.redeliver(partner.id, event_id)
        return pending

"""Ports: partners' endpoints, the delivery log and the transport. Adapters implement these; unit tests use fakes."""

from typing import Protocol

from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.webhooks.delivery import Delivery, Response, Subscription


class WebhookSubscriptions(Protocol):
    def get(self, partner_id: str) -> Subscription | None: ...

    def put(self, subscription: Subscription) -> None: ...

    def delete(self, partner_id: str) -> None: ...


class DeliveryLog(Protocol):
    def get(self, partner_id: str, event_id: str) -> Delivery | None: ...

    def put(self, delivery: Delivery) -> None: ...

    def list(self, partner_id: str, page: PageRequest) -> Page[Delivery]:
        """Newest event first."""
        ...


class WebhookTransport(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Response:
        """POST once (no redirects followed) to an address checked with `address_problem`; a failure to get an
        answer is a Response with its `Failure` class and no status code."""
        ...


class RedeliveryQueue(Protocol):
    def redeliver(self, partner_id: str, event_id: str) -> None:
        """Queue another delivery of a logged event (it then retries and dead-letters like the first)."""
        ...

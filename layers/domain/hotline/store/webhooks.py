"""Webhook endpoints and the delivery log, in the partner's own partition."""

from hotline.domain.base.clock import Clock
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.webhooks.delivery import LOG_RETENTION, Delivery, Subscription
from hotline.store import paging
from hotline.store.models import TableModels


def _partner_pk(partner_id: str) -> str:
    return f"PARTNER#{partner_id}"


class DynamoWebhookSubscriptions:
    def __init__(self, models: TableModels) -> None:
        self._item = models.item

    def get(self, partner_id: str) -> Subscription | None:
        try:
            item = self._item.get(_partner_pk(partner_id), "WEBHOOK", consistent_read=True)
        except self._item.DoesNotExist:
            return None
        return Subscription.model_validate(item.doc)

    def put(self, subscription: Subscription) -> None:
        doc = subscription.model_dump(mode="json")
        self._item(_partner_pk(subscription.partner_id), "WEBHOOK", doc=doc).save()

    def delete(self, partner_id: str) -> None:
        self._item(_partner_pk(partner_id), "WEBHOOK").delete()


class DynamoDeliveryLog:
    """DELIVERY#<event id>: event ids sort by time, so a descending Query lists the newest first."""

    def __init__(self, models: TableModels, clock: Clock) -> None:
        self._item = models.item
        self._clock = clock

    def get(self, partner_id: str, event_id: str) -> Delivery | None:
        try:
            item = self._item.get(_partner_pk(partner_id), f"DELIVERY#{event_id}", consistent_read=True)
        except self._item.DoesNotExist:
            return None
        return Delivery.model_validate(item.doc)

    def put(self, delivery: Delivery) -> None:
        expires = self._clock.now() + LOG_RETENTION
        self._item(
            _partner_pk(delivery.partner_id),
            f"DELIVERY#{delivery.event_id}",
            doc=delivery.model_dump(mode="json"),
            expires_at=int(expires.timestamp()),
        ).save()

    def list(self, partner_id: str, page: PageRequest) -> Page[Delivery]:
        listing = f"deliveries:{partner_id}"  # a token from another partner's log is refused
        return paging.query_page(
            listing,
            page,
            lambda start: self._item.query(
                _partner_pk(partner_id),
                self._item.sk.startswith("DELIVERY#"),
                scan_index_forward=False,
                limit=page.limit,
                last_evaluated_key=start,
            ),
            lambda item: Delivery.model_validate(item.doc),
        )

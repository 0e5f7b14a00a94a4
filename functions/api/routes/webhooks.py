"""A partner's webhook: register its endpoint, read the delivery log, and ask for a delivery again.

The signing secret appears only in the registration response (`Cache-Control: no-store`); registering
again replaces the endpoint and the secret at once.
"""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.partners.partner import Partner
from hotline.services import api_services

from functions.api import errors
from functions.api.identity import PARTNER, current_partner
from functions.api.routes.common import Limit, NextToken, page_request
from functions.api.schemas.partner import DeliveryList, DeliveryView, WebhookIn, WebhookRegistered, WebhookView

router = APIGatewayRouter()

EventId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The event id (Hotline-Event-Id).")]
NO_WEBHOOK = errors.error(HTTPStatus.NOT_FOUND, "No webhook is registered")


def _partner() -> Partner:
    return current_partner(router.context)


@router.put(
    "/v1/partner/webhook",
    summary="Register (or replace) your webhook endpoint; returns a new signing secret",
    tags=["partner: webhooks"],
    security=PARTNER,
)
def register(webhook: Annotated[WebhookIn, Body()]) -> Response[WebhookRegistered]:
    subscription = api_services().partner_webhooks.register(_partner(), webhook.url)
    body = WebhookRegistered.of_new(subscription)
    return Response(
        status_code=200, content_type=content_types.APPLICATION_JSON, body=body, headers={"Cache-Control": "no-store"}
    )


@router.get(
    "/v1/partner/webhook",
    summary="Your webhook endpoint",
    tags=["partner: webhooks"],
    security=PARTNER,
    responses={
        200: {
            "description": "Your endpoint (never the secret)",
            "content": {"application/json": {"model": WebhookView}},
        },
        **NO_WEBHOOK,
    },
)
def read() -> WebhookView:
    return WebhookView.of(api_services().partner_webhooks.get(_partner()))


@router.delete(
    "/v1/partner/webhook",
    summary="Stop webhook deliveries",
    tags=["partner: webhooks"],
    security=PARTNER,
    responses={204: {"description": "Deliveries stopped", "content": {}}, **NO_WEBHOOK},
)
def remove() -> Response[None]:
    api_services().partner_webhooks.remove(_partner())
    return Response(status_code=204)


@router.get(
    "/v1/partner/webhook/deliveries",
    summary="The delivery log, newest first",
    tags=["partner: webhooks"],
    security=PARTNER,
)
def deliveries(limit: Limit = 50, next_token: NextToken = None) -> DeliveryList:
    page = api_services().partner_webhooks.deliveries(_partner(), page_request(limit, next_token))
    return DeliveryList(items=[DeliveryView.of(d) for d in page.items], next=page.next)


@router.get(
    "/v1/partner/webhook/deliveries/<event_id>",
    summary="One event's delivery",
    tags=["partner: webhooks"],
    security=PARTNER,
)
def delivery(event_id: EventId) -> DeliveryView:
    return DeliveryView.of(api_services().partner_webhooks.delivery(_partner(), event_id))


@router.post(
    "/v1/partner/webhook/deliveries/<event_id>/redeliver",
    summary="Deliver an event again (with fresh retries)",
    tags=["partner: webhooks"],
    security=PARTNER,
    responses={
        202: {"description": "Queued", "content": {"application/json": {"model": DeliveryView}}},
        **errors.error(HTTPStatus.CONFLICT, "`no_webhook`: register an endpoint first"),
    },
)
def redeliver(event_id: EventId) -> Response[DeliveryView]:
    queued = api_services().partner_webhooks.redeliver(_partner(), event_id)
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=DeliveryView.of(queued))

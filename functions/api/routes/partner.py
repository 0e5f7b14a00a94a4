"""Partner systems, identified by their API key: exactly-once submission and their own tickets only.

Exactly once, two ways: an `Idempotency-Key` replays the first 201 body to every retry (concurrent ones
wait for it), and an `external_ref` is claimed per partner in the ticket's own transaction, so a second
submission with the same reference answers 200 with the original ticket instead of creating another.
"""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.base.errors import DuplicateExternalRef
from hotline.domain.partners.partner import Partner, partner_actor
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.view import TicketView
from hotline.services import api_services

from functions.api import errors
from functions.api.idempotency import exactly_once  # Powertools idempotency (and boto3): partners only
from functions.api.identity import PARTNER, current_partner
from functions.api.routes.common import Limit, Moment, NextToken, created, page_request, ticket_list
from functions.api.schemas.common import TicketCreated, TicketList
from functions.api.schemas.partner import PartnerTicketIn

router = APIGatewayRouter()

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="idempotency-key",
        min_length=1,
        max_length=255,
        description="Retries with the same key return the first response and never create a second ticket.",
    ),
]


def _partner() -> Partner:
    return current_partner(router.context)


def _register(partner_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The 201 body as JSON, the form Powertools idempotency stores and replays."""
    ticket = PartnerTicketIn.model_validate(body)
    registration = api_services().intake.register(
        ticket, Channel.PARTNER, partner_actor(partner_id), partner_id=partner_id, external_ref=ticket.external_ref
    )
    return created(registration).body.model_dump(mode="json")  # type: ignore[union-attr]


SUBMIT_RESPONSES: dict[int, OpenAPIResponse] = {
    201: {
        "description": "Created (a retry with the same Idempotency-Key gets this same body)",
        "content": {"application/json": {"model": TicketCreated}},
    },
    200: {
        "description": "You already submitted this external_ref: the original ticket, nothing created",
        "content": {"application/json": {"model": TicketView}},
    },
    **errors.error(HTTPStatus.CONFLICT, "The first request with this Idempotency-Key is still running"),
}


@router.post(
    "/v1/partner/tickets",
    summary="Submit a ticket (exactly once per Idempotency-Key and per external_ref)",
    tags=["partner"],
    security=PARTNER,
    responses=SUBMIT_RESPONSES,
)
def submit(
    ticket: Annotated[PartnerTicketIn, Body()], idempotency_key: IdempotencyKey = None
) -> Response[TicketCreated | TicketView]:
    partner = _partner()
    body = ticket.model_dump(mode="json")
    try:
        if idempotency_key is None:
            result = _register(partner.id, body)
        else:
            result = exactly_once(_register, router.lambda_context)(partner.id, idempotency_key, body)
    except DuplicateExternalRef as duplicate:
        # Nothing new was created (and no idempotency record kept): answer with the ticket as it is now.
        original = api_services().queries.for_partner(duplicate.number, partner)
        return Response(
            status_code=200,
            content_type="application/json",
            body=TicketView.of(original),
            headers={"Location": f"/v1/partner/tickets/{original.number}"},
        )
    return Response(
        status_code=201,
        content_type="application/json",
        body=TicketCreated.model_validate(result),
        headers={"Location": f"/v1/partner/tickets/{result['number']}"},
    )


@router.get("/v1/partner/tickets/<number>", summary="One of your tickets", tags=["partner"], security=PARTNER)
def read(number: str) -> TicketView:
    return TicketView.of(api_services().queries.for_partner(number, _partner()))


@router.get(
    "/v1/partner/tickets",
    summary="Your tickets changed since a time, oldest change first",
    tags=["partner"],
    security=PARTNER,
)
def changed(
    updated_since: Annotated[Moment | None, Query(description="ISO-8601 with offset, between 1970 and 2999")] = None,
    limit: Limit = 50,
    next_token: NextToken = None,
) -> TicketList:
    page = api_services().queries.partner_list(_partner(), updated_since, page_request(limit, next_token))
    return ticket_list(page)

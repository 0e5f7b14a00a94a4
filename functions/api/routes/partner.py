"""Partner systems, identified by their API key: idempotent submission and their own tickets only."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.catalog import Channel
from hotline.domain.partners import Partner, partner_actor
from hotline.services import services
from pydantic import AwareDatetime

from functions.api.idempotency import once
from functions.api.identity import partner_of
from functions.api.routes.common import Limit, NextToken, created, page_request, ticket_list
from functions.api.schemas import PartnerTicketIn, TicketCreated, TicketList, TicketView

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
    return partner_of(router.current_event, services().partners)


def _register(partner_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The 201 body as JSON, the form Powertools idempotency stores and replays."""
    ticket = PartnerTicketIn.model_validate(body)
    registration = services().intake.register(
        ticket, Channel.PARTNER, partner_actor(partner_id), partner_id=partner_id, external_ref=ticket.external_ref
    )
    return created(registration).body.model_dump(mode="json")  # type: ignore[union-attr]


@router.post("/v1/partner/tickets", summary="Submit a ticket (idempotent with Idempotency-Key)", tags=["partner"])
def submit(
    ticket: Annotated[PartnerTicketIn, Body()], idempotency_key: IdempotencyKey = None
) -> Response[TicketCreated]:
    partner = _partner()
    body = ticket.model_dump(mode="json")
    if idempotency_key is None:
        result = _register(partner.id, body)
    else:
        result = once(_register)(partner.id, idempotency_key, body)
    return Response(
        status_code=201,
        content_type="application/json",
        body=TicketCreated.model_validate(result),
        headers={"Location": f"/v1/partner/tickets/{result['number']}"},
    )


@router.get("/v1/partner/tickets/<number>", summary="One of your tickets", tags=["partner"])
def read(number: str) -> TicketView:
    return TicketView.of(services().queries.for_partner(number, _partner()))


@router.get("/v1/partner/tickets", summary="Your tickets changed since a time, oldest change first", tags=["partner"])
def changed(
    updated_since: Annotated[AwareDatetime | None, Query(description="ISO-8601 with offset")] = None,
    limit: Limit = 50,
    next_token: NextToken = None,
) -> TicketList:
    page = services().queries.partner_list(_partner(), updated_since, page_request(limit, next_token))
    return ticket_list(page)

"""Pieces every audience's routes share."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query
from hotline.domain.intake import Registration
from hotline.domain.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, PageRequest
from hotline.domain.ticket_view import TicketView
from hotline.domain.tickets import Ticket

from functions.api.schemas import TicketCreated, TicketList

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
NextToken = Annotated[str | None, Query(alias="next", max_length=2048, description="Token from the previous page.")]


def page_request(limit: int = DEFAULT_LIMIT, token: str | None = None) -> PageRequest:
    return PageRequest(limit=limit, token=token)


def created(registration: Registration) -> Response[TicketCreated]:
    ticket = registration.ticket
    body = TicketCreated(
        number=ticket.number,
        access_code=registration.access_code,
        status=ticket.status,
        received_at=ticket.received_at,
    )
    return Response(
        status_code=201,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers={"Location": f"/v1/tickets/{ticket.number}"},
    )


def ticket_list(page: Page[Ticket]) -> TicketList:
    return TicketList(items=[TicketView.of(t) for t in page.items], next=page.next)

"""Pieces every audience's routes share."""

from datetime import UTC, datetime
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from hotline.domain.base.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, PageRequest
from hotline.domain.intake.intake import Registration
from hotline.domain.tickets.ticket import Ticket
from hotline.domain.tickets.view import TicketView
from pydantic import AfterValidator, AwareDatetime

from functions.api import errors
from functions.api.schemas.common import TicketCreated, TicketList

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
NextToken = Annotated[str | None, Query(alias="next", max_length=2048, description="Token from the previous page.")]

EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)


def _plausible(moment: datetime) -> datetime:
    # Far enough from datetime's limits that converting to UTC or adding a long deadline cannot overflow.
    if not EARLIEST <= moment < LATEST:
        raise ValueError("must be between 1970 and 2999")
    return moment


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]
"""An instant with an offset (or Z), between 1970 and 2999."""


SURVEY_LINK_EXPIRED = errors.error(
    HTTPStatus.GONE,
    "`survey_link_expired`: the code is the survey link's, and the link has expired: its survey closed without an "
    "answer (expired, or ended by staff), or it was answered and the survey's window is over",
)
"""The customer routes that take the text's survey link as `code` (customers/access.py: `survey_link_lasts`)."""

CREATED: dict[int, OpenAPIResponse] = {
    201: {
        "description": "Created: the number, and the access code shown only now",
        "content": {"application/json": {"model": TicketCreated}},
    }
}


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


def or_conflict(model: type[object], description: str, conflicts: str) -> dict[int, OpenAPIResponse]:
    """An action's documented answers: 200 with `model`, or 409 with the codes `conflicts` names."""
    return {
        200: {"description": description, "content": {"application/json": {"model": model}}},
        **errors.error(HTTPStatus.CONFLICT, conflicts),
    }

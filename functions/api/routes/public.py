"""The citizen's web and mobile forms: submit, track with number + access code, read the catalogue."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.ticket import Actor
from hotline.services import api_services

from functions.api import errors
from functions.api.routes.common import CREATED, SURVEY_LINK_EXPIRED, created
from functions.api.schemas.common import TicketCreated
from functions.api.schemas.public import CatalogView, CustomerInfoIn, CustomerTicketView, FormTicketIn

router = APIGatewayRouter()


@router.post("/v1/tickets", summary="Submit a ticket from the web or mobile form", tags=["public"], responses=CREATED)
def submit(ticket: Annotated[FormTicketIn, Body()]) -> Response[TicketCreated]:
    registration = api_services().intake.register(
        ticket, Channel(ticket.channel), Actor(role="citizen"), public=ticket.public
    )
    return created(registration)


@router.get(
    "/v1/tickets/<number>",
    summary="Track a ticket with its access code or the text's survey link",
    description="`code` is the access code, or the `code` of the survey link in the reply's text: the same view, "
    "while the survey waits for its answer and, once answered, until the survey's window ends (`expires_at` of "
    "`survey.sent`), so that the link shows the result it asks about and what the answer did. A wrong code is 404 "
    "like an unknown number and counts towards the limit; a link that no longer lasts is 410.",
    tags=["public"],
    responses={
        200: {
            "description": "The ticket as its customer sees it",
            "content": {"application/json": {"model": CustomerTicketView}},
        },
        **SURVEY_LINK_EXPIRED,
        **errors.error(
            HTTPStatus.TOO_MANY_REQUESTS,
            "Throttled, or `too_many_attempts`: 10 wrong access codes for this ticket within the hour (every code "
            "is refused until that hour is over)",
        ),
    },
)
def track(
    number: str,
    code: Annotated[
        str, Query(min_length=1, max_length=32, description="The access code, or the code of the survey link.")
    ],
) -> CustomerTicketView:
    return CustomerTicketView.of(api_services().queries.for_customer(number, code))


@router.post(
    "/v1/tickets/<number>/info",
    summary="Answer the unit's question with the access code",
    description="The answer goes to the unit, and the time to resolve the ticket runs again. The access code is "
    "checked as for tracking: a wrong one is 404 like an unknown number and counts towards the same limit.",
    tags=["public"],
    responses={
        200: {
            "description": "The ticket as its customer sees it, back in progress",
            "content": {"application/json": {"model": CustomerTicketView}},
        },
        **errors.error(HTTPStatus.CONFLICT, "`invalid_transition`: no question is waiting for an answer"),
        **errors.error(
            HTTPStatus.TOO_MANY_REQUESTS,
            "Throttled, or `too_many_attempts`: 10 wrong access codes for this ticket within the hour",
        ),
    },
)
def answer_question(
    number: str, code: Annotated[str, Query(min_length=1, max_length=32)], answer: Annotated[CustomerInfoIn, Body()]
) -> CustomerTicketView:
    services = api_services()
    ticket = services.customer_info.answer(number, code, answer.text)
    return CustomerTicketView.of(services.queries.with_timeline(ticket))


@router.get("/v1/catalog", summary="Types, categories and priorities for forms", tags=["public"])
def catalog() -> CatalogView:
    return CatalogView(**api_services().catalog.get().model_dump(), channels=list(Channel))

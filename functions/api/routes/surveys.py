"""The callback survey (反馈回访): the customer answers with the access code or the text's link, a partner for its own
tickets, and agents work the callback queue."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.surveys.answering import CALLBACK_ROLES
from hotline.domain.surveys.outcomes import Answer, CallRecord
from hotline.domain.tickets.view import TicketView
from hotline.services import api_services

from functions.api import errors
from functions.api.identity import PARTNER, current_partner, staff_of, staff_roles
from functions.api.routes.common import SURVEY_LINK_EXPIRED, Limit, NextToken, or_conflict, page_request
from functions.api.schemas.public import CustomerTicketView
from functions.api.schemas.staff import CallbackItem, CallbackList, StaffTicketView

router = APIGatewayRouter()

ANSWERED = (
    "`survey_answered` (this reply's survey has its answer), `survey_expired` (it closed unanswered), "
    "`no_open_survey` (no reply waits for one)"
)


@router.post(
    "/v1/tickets/<number>/survey",
    summary="Answer the survey with the access code or the text's link",
    description="Satisfied or basically satisfied closes the ticket `resolved`; dissatisfied sends it back to its unit "
    "for rework. `code` is the access code, or the `code` of the survey link in the text. One answer per round: "
    "a second one is 409 `survey_answered`, by the access code or the link. A wrong code is 404 like an unknown "
    "number and counts towards the tracking limit; the link of a survey that closed without an answer, or of an "
    "answered one past the survey's window, is 410 `survey_link_expired`.",
    tags=["public"],
    responses={
        **or_conflict(CustomerTicketView, "The ticket as its customer sees it, closed or back with its unit", ANSWERED),
        **SURVEY_LINK_EXPIRED,
        **errors.error(
            HTTPStatus.TOO_MANY_REQUESTS,
            "Throttled, or `too_many_attempts`: 10 wrong access codes for this ticket within the hour",
        ),
    },
)
def answer(
    number: str, code: Annotated[str, Query(min_length=1, max_length=64)], body: Annotated[Answer, Body()]
) -> CustomerTicketView:
    services = api_services()
    return CustomerTicketView.of(services.queries.with_timeline(services.surveys.answer(number, code, body)))


@router.post(
    "/v1/partner/tickets/<number>/survey",
    summary="Submit your customer's survey answer",
    description="For your own tickets whose survey went to you (`survey.sent`); same answers and outcomes as the "
    "customer's own.",
    tags=["partner"],
    security=PARTNER,
    responses=or_conflict(
        TicketView, "The ticket, closed or back with its unit", f"{ANSWERED}, `survey_channel` (not yours to answer)"
    ),
)
def answer_for_partner(number: str, body: Annotated[Answer, Body()]) -> TicketView:
    return TicketView.of(api_services().surveys.answer_for_partner(number, current_partner(router.context), body))


@router.get(
    "/v1/staff/callbacks",
    summary="The callback queue: replied tickets to call back, oldest callback due first",
    tags=["staff: surveys"],
    security=staff_roles(CALLBACK_ROLES),
)
def callbacks(limit: Limit = 50, next_token: NextToken = None) -> CallbackList:
    page = api_services().surveys.callbacks(staff_of(router.current_event), page_request(limit, next_token))
    return CallbackList(items=[CallbackItem.of(ticket) for ticket in page.items], next=page.next)


@router.post(
    "/v1/staff/tickets/<number>/callback",
    summary="Record a callback call: the customer's answer, or not reached",
    description="Reached: `grade`, `solved` and the customer's opinion as `comment` (回访意见), with the outcomes of "
    "a survey answer. Not reached: counted; after the policy's `callback_attempts` the ticket closes `no_response`.",
    tags=["staff: surveys"],
    security=staff_roles(CALLBACK_ROLES),
    responses=or_conflict(StaffTicketView, "The updated record", ANSWERED),
)
def record_call(number: str, body: Annotated[CallRecord, Body()]) -> StaffTicketView:
    services, staff = api_services(), staff_of(router.current_event)
    ticket = services.surveys.record_call(number, staff, body)
    links = services.uploads.links(ticket.attachments)
    return StaffTicketView.of_record(services.queries.with_timeline(ticket), staff, links=links)

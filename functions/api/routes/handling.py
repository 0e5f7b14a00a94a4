"""Staff actions on a ticket: `POST /v1/staff/tickets/{number}/{action}`, one route per action."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.handling import commands as c
from hotline.domain.handling.lifecycle import PERMISSIONS
from hotline.services import api_services

from functions.api import errors
from functions.api.identity import staff_of, staff_roles
from functions.api.schemas.staff import StaffTicketView

router = APIGatewayRouter()

SUMMARIES: dict[type[c.Command], str] = {
    c.Dispatch: "Dispatch to a unit (dispatcher, supervisor)",
    c.Accept: "Accept the dispatched ticket (its unit)",
    c.RequestInfo: "Ask the customer for information; pauses the resolve timer",
    c.InfoReceived: "The customer answered; resumes the resolve timer",
    c.Reply: "Reply with the result and cause; ends the ticket clock",
    c.Return: "Return a mis-dispatched ticket to the dispatch queue",
    c.RequestExtension: "Ask for more time before the resolve deadline",
    c.DecideExtension: "Approve or deny the waiting extension (supervisor)",
    c.Urge: "Urge the unit (催办)",
    c.Supervise: "Put the ticket under supervision (督办, supervisor)",
    c.Close: "Close as direct answer, referral, duplicate, resolved or no response",
    c.Reopen: "Reopen a replied or closed ticket",
    c.ChangePriority: "Change the priority; deadlines follow at once",
    c.Publish: "Show or hide the ticket on the public map (Open311), with a reason",
}


RESPONSES: dict[int, OpenAPIResponse] = {
    200: {"description": "The updated record", "content": {"application/json": {"model": StaffTicketView}}},
    **errors.error(
        HTTPStatus.CONFLICT,
        "`invalid_transition` (not from this status) or `version_mismatch` (changed since read), with current_status",
    ),
}


def _route(action: str, command_type: type[c.Command], summary: str) -> None:
    def act(number: str, command: Annotated[command_type, Body()]) -> StaffTicketView:  # type: ignore[valid-type]
        staff = staff_of(router.current_event)
        services = api_services()
        ticket = services.lifecycle.act(number, staff, command)
        links = services.uploads.links(ticket.attachments)
        return StaffTicketView.of_record(services.queries.with_timeline(ticket), staff, links=links)

    act.__name__ = f"act_{action.replace('-', '_')}"
    path = f"/v1/staff/tickets/<number>/{action}"
    router.post(
        path,
        summary=summary,
        tags=["staff: handling"],
        operation_id=act.__name__,
        security=staff_roles(PERMISSIONS[command_type].roles),
        responses=RESPONSES,
    )(act)


for kind, text in SUMMARIES.items():
    _route(kind.name, kind, text)

"""Tickets about the same matter: binding a ticket to a primary (参阅工单) and undoing it, similar tickets (of a ticket,
or of the call being registered), the caller's customer file, and the rules of what counts as the same matter."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.duplicates.rules import DuplicateRules
from hotline.domain.duplicates.similar import MatterDraft
from hotline.domain.staff.roles import ADMIN_ROLES, CENTRE_ROLES, StaffMember
from hotline.services import api_services

from functions.api.identity import STAFF, staff_of, staff_roles
from functions.api.routes.common import or_conflict
from functions.api.schemas.duplicates import CustomerFileView, LinkIn, SimilarList, UnlinkIn
from functions.api.schemas.staff import StaffTicketView

router = APIGatewayRouter()
TAGS = ["staff: duplicates"]
CENTRE = staff_roles(CENTRE_ROLES)
SIMILAR_LIMIT = Annotated[int, Query(ge=1, le=50, description="At most this many, best first.")]


def _staff() -> StaffMember:
    return staff_of(router.current_event)


@router.post(
    "/v1/staff/tickets/<number>/link",
    summary="Bind the ticket to a primary (参阅工单): handled together, the primary's reply reaches it",
    description="At any open status. Its clock stops (open timers paused) until the primary's reply reaches it; "
    "its customer reads that it is handled together with the primary. Binding to a ticket that is bound binds to "
    "that ticket's primary; binding again to the same primary changes nothing. 422 naming `primary` for the ticket "
    "itself or an unknown number.",
    tags=TAGS,
    security=CENTRE,
    responses=or_conflict(
        StaffTicketView,
        "The bound ticket's record",
        "`invalid_transition` (this ticket is closed), `primary_closed`, `is_primary` (tickets are bound to this one: "
        "unlink them first), `already_bound` (to another primary: unlink it first), `binding_cycle`",
    ),
)
def link(number: str, body: Annotated[LinkIn, Body()]) -> StaffTicketView:
    services, staff = api_services(), _staff()
    ticket = services.linking.link(number, body.primary, staff)
    return StaffTicketView.of_record(
        services.queries.with_timeline(ticket), staff, links=services.uploads.links(ticket.attachments)
    )


@router.post(
    "/v1/staff/tickets/<number>/unlink",
    summary="Undo the binding: the ticket is handled on its own again",
    description="A ticket still waiting for its primary's reply gets its clock back, each due moved by the time it "
    "was bound.",
    tags=TAGS,
    security=CENTRE,
    responses=or_conflict(StaffTicketView, "The ticket's record", "`not_bound`"),
)
def unlink(number: str, body: Annotated[UnlinkIn, Body()]) -> StaffTicketView:
    services, staff = api_services(), _staff()
    ticket = services.linking.unlink(number, staff, body.reason)
    return StaffTicketView.of_record(
        services.queries.with_timeline(ticket), staff, links=services.uploads.links(ticket.attachments)
    )


@router.get(
    "/v1/staff/tickets/<number>/similar",
    summary="Open tickets likely to be the same matter, best first",
    description="The same category, received within the rules' `window_days` of this one, scored by place and words.",
    tags=TAGS,
    security=CENTRE,
)
def similar(number: str, limit: SIMILAR_LIMIT = 10) -> SimilarList:
    return SimilarList.of(api_services().similar.of_ticket(number, _staff(), limit))


@router.post(
    "/v1/staff/tickets/similar",
    summary="Open tickets like the call being registered, best first (nothing is stored)",
    tags=TAGS,
    security=CENTRE,
    responses={200: {"description": "Similar open tickets", "content": {"application/json": {"model": SimilarList}}}},
)
def similar_to_draft(draft: Annotated[MatterDraft, Body()], limit: SIMILAR_LIMIT = 10) -> SimilarList:
    return SimilarList.of(api_services().similar.of_draft(draft, _staff(), limit))


@router.get(
    "/v1/staff/tickets/<number>/customer",
    summary="The caller's customer file: their tickets, counts in 30 and 90 days, last survey grade",
    description="Found by the keyed hash of the ticket's phone; `known` is false when it has none.",
    tags=TAGS,
    security=CENTRE,
)
def customer(number: str) -> CustomerFileView:
    return CustomerFileView.of_file(api_services().customer_files.of_ticket(number, _staff()))


@router.get(
    "/v1/staff/config/duplicates",
    summary="What counts as the same matter: similar tickets and repeat complaints",
    tags=["staff: configuration"],
    security=STAFF,
)
def rules() -> DuplicateRules:
    return api_services().duplicate_rules.get()


@router.put(
    "/v1/staff/config/duplicates",
    summary="Replace the rules of what counts as the same matter",
    tags=["staff: configuration"],
    security=staff_roles(ADMIN_ROLES),
)
def replace_rules(body: Annotated[DuplicateRules, Body()]) -> DuplicateRules:
    return api_services().duplicate_rules.replace(_staff(), body)

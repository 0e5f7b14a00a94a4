"""Staff (Cognito groups as roles): register tickets for callers, list and read them."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.staff.roles import CENTRE_ROLES, StaffMember
from hotline.domain.tickets.catalog import CATEGORY_CODE, Channel, TicketType
from hotline.domain.tickets.ports import TicketFilter
from hotline.domain.tickets.ticket import Status
from hotline.services import api_services

from functions.api.identity import STAFF, staff_of, staff_roles
from functions.api.routes.common import CREATED, Limit, NextToken, created, page_request
from functions.api.schemas.common import TicketCreated
from functions.api.schemas.duplicates import CustomerSummary
from functions.api.schemas.staff import StaffTicketIn, StaffTicketList, StaffTicketSummary, StaffTicketView

router = APIGatewayRouter()


def _staff() -> StaffMember:
    return staff_of(router.current_event)


@router.post(
    "/v1/staff/tickets",
    summary="Register a phone, letter or visit ticket, or settle it on the call (直办: `disposition`)",
    tags=["staff"],
    security=staff_roles(CENTRE_ROLES),
    responses=CREATED,
)
def register(ticket: Annotated[StaffTicketIn, Body()]) -> Response[TicketCreated]:
    intake = api_services().intake
    return created(intake.register_for_customer(_staff(), ticket, Channel(ticket.channel), ticket.disposition))


@router.get("/v1/staff/tickets", summary="List tickets, newest first", tags=["staff"], security=STAFF)
def listing(
    status: Annotated[Status | None, Query()] = None,
    channel: Annotated[Channel | None, Query()] = None,
    type: Annotated[TicketType | None, Query()] = None,
    phone: Annotated[str | None, Query(min_length=5, max_length=20, description="Customer phone")] = None,
    unit: Annotated[str | None, Query(pattern=r"^[a-z0-9-]{2,64}$", description="A unit's inbox")] = None,
    overdue: Annotated[bool | None, Query(description="Only tickets with a passed deadline (true) or none")] = None,
    problem: Annotated[bool | None, Query(description="Only problem tickets (问题工单, true) or none")] = None,
    category: Annotated[str | None, Query(pattern=CATEGORY_CODE, description="Exactly this catalogue category")] = None,
    extension: Annotated[Literal["pending"] | None, Query(description="An extension request awaits a decision")] = None,
    supervised: Annotated[Literal["true"] | None, Query(description="Supervised (督办), not yet closed")] = None,
    limit: Limit = 50,
    next_token: NextToken = None,
) -> StaffTicketList:
    where = TicketFilter(
        status=status,
        channel=channel,
        type=type,
        phone_hash=api_services().pepper.phone_hash(phone) if phone else None,
        unit_id=unit,
        overdue=overdue,
        problem=problem,
        category=category,
        extension_pending=extension == "pending",
        supervised=supervised == "true",
    )
    page = api_services().queries.staff_list(_staff(), where, page_request(limit, next_token))
    return StaffTicketList(items=[StaffTicketSummary.of(t) for t in page.items], next=page.next)


@router.get("/v1/staff/tickets/<number>", summary="A ticket with its timeline", tags=["staff"], security=STAFF)
def read(number: str) -> StaffTicketView:
    services, staff = api_services(), _staff()
    record = services.queries.for_staff(number, staff)
    file = services.customer_files.shown_to(staff, record.ticket)
    customer = CustomerSummary.of(file) if file else None
    return StaffTicketView.of_record(record, staff, customer, links=services.uploads.links(record.ticket.attachments))

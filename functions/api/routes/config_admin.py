"""Handling configuration as data: SLA policies, the escalation ladder, routing rules, units, the texts to customers.

Any staff member may read them (the texts' templates: admins only); only admins change them
(hotline.domain.config.admin checks and validates
each change). Changes apply to the next action or wake-up.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.config.causes import CauseCatalog
from hotline.domain.config.ladder import Ladder
from hotline.domain.config.messages import MessageTemplates
from hotline.domain.config.policies import PolicyBook
from hotline.domain.config.routing import RoutingTable
from hotline.domain.config.units import Unit
from hotline.domain.staff.roles import ADMIN_ROLES, StaffMember
from hotline.services import api_services

from functions.api.identity import STAFF, staff_of, staff_roles
from functions.api.routes.common import Limit, NextToken, page_request
from functions.api.schemas.staff import UnitChain, UnitList

router = APIGatewayRouter()
TAGS = ["staff: configuration"]
ADMIN = staff_roles(ADMIN_ROLES)


def _admin() -> StaffMember:
    return staff_of(router.current_event)


@router.get("/v1/staff/config/policies", summary="SLA policies per type and priority", tags=TAGS, security=STAFF)
def policies() -> PolicyBook:
    return api_services().config_admin.policies()


@router.put("/v1/staff/config/policies", summary="Replace the SLA policies", tags=TAGS, security=ADMIN)
def replace_policies(book: Annotated[PolicyBook, Body()]) -> PolicyBook:
    return api_services().config_admin.replace_policies(_admin(), book)


@router.get("/v1/staff/config/ladder", summary="The escalation ladder", tags=TAGS, security=STAFF)
def ladder() -> Ladder:
    return api_services().config_admin.ladder()


@router.put("/v1/staff/config/ladder", summary="Replace the escalation ladder", tags=TAGS, security=ADMIN)
def replace_ladder(body: Annotated[Ladder, Body()]) -> Ladder:
    return api_services().config_admin.replace_ladder(_admin(), body)


@router.get("/v1/staff/config/routing", summary="Routing rules, tried in order", tags=TAGS, security=STAFF)
def routing() -> RoutingTable:
    return api_services().config_admin.routing()


@router.put("/v1/staff/config/routing", summary="Replace the routing rules", tags=TAGS, security=ADMIN)
def replace_routing(table: Annotated[RoutingTable, Body()]) -> RoutingTable:
    return api_services().config_admin.replace_routing(_admin(), table)


@router.get("/v1/staff/config/messages", summary="The texts customers are sent (zh-CN)", tags=TAGS, security=ADMIN)
def messages() -> MessageTemplates:
    return api_services().config_admin.messages(_admin())


@router.put(
    "/v1/staff/config/messages",
    summary="Replace the texts customers are sent",
    description="Each template is 1–300 characters and uses only its kind's `{placeholders}` (a literal brace is "
    "written twice); a template that does not fit is 422 naming it.",
    tags=TAGS,
    security=ADMIN,
)
def replace_messages(templates: Annotated[MessageTemplates, Body()]) -> MessageTemplates:
    return api_services().config_admin.replace_messages(_admin(), templates)


@router.get(
    "/v1/staff/config/causes",
    summary="The cause catalogue (原因分类) replies classify by",
    tags=TAGS,
    security=STAFF,
)
def causes() -> CauseCatalog:
    return api_services().config_admin.causes()


@router.put(
    "/v1/staff/config/causes",
    summary="Replace the cause catalogue",
    description="A tree of causes, each with a unique `code` and a unique Chinese name `name_zh`; a reply's "
    "`cause_code` must then name one of them.",
    tags=TAGS,
    security=ADMIN,
)
def replace_causes(catalog: Annotated[CauseCatalog, Body()]) -> CauseCatalog:
    return api_services().config_admin.replace_causes(_admin(), catalog)


@router.get("/v1/staff/units", summary="Every unit, by id", tags=TAGS, security=STAFF)
def units(limit: Limit = 50, next_token: NextToken = None) -> UnitList:
    page = api_services().config_admin.units_page(page_request(limit, next_token))
    return UnitList(items=page.items, next=page.next)


@router.get(
    "/v1/staff/units/<unit_id>", summary="A unit and the chain above it, nearest first", tags=TAGS, security=STAFF
)
def unit(unit_id: str) -> UnitChain:
    return UnitChain(items=api_services().config_admin.unit_chain(unit_id))


@router.put("/v1/staff/units/<unit_id>", summary="Create or replace a unit", tags=TAGS, security=ADMIN)
def replace_unit(unit_id: str, body: Annotated[Unit, Body()]) -> Unit:
    return api_services().config_admin.replace_unit(_admin(), unit_id, body)

"""Handling configuration as data: SLA policies, the escalation ladder, routing rules and units.

Any staff member may read them; only admins change them. Changes apply to the next action or wake-up.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.base.errors import FieldProblem, InvalidInput, NotFound
from hotline.domain.config.ladder import Ladder
from hotline.domain.config.policies import PolicyBook
from hotline.domain.config.routing import RoutingTable
from hotline.domain.config.units import Unit, climb
from hotline.domain.staff.roles import ADMIN_ROLES
from hotline.services import services
from pydantic import BaseModel

from functions.api.identity import STAFF, staff_roles

router = APIGatewayRouter()
TAGS = ["staff: configuration"]
ADMIN = staff_roles(ADMIN_ROLES)


def _units_exist(unit_ids: list[tuple[str, str]]) -> None:
    problems = [
        FieldProblem(field, f"no unit '{unit_id}'") for field, unit_id in unit_ids if not services().units.get(unit_id)
    ]
    if problems:
        raise InvalidInput("unknown unit", problems)


@router.get("/v1/staff/config/policies", summary="SLA policies per type and priority", tags=TAGS, security=STAFF)
def policies() -> PolicyBook:
    return services().rules.policies()


@router.put("/v1/staff/config/policies", summary="Replace the SLA policies", tags=TAGS, security=ADMIN)
def replace_policies(book: Annotated[PolicyBook, Body()]) -> PolicyBook:
    missing = [
        FieldProblem(f"policies.{i}.calendar", f"no calendar '{p.calendar}'")
        for i, p in enumerate(book.policies)
        if services().calendars.get(p.calendar) is None
    ]
    if missing:
        raise InvalidInput("unknown calendar", missing)
    services().rules.save("policies", book)
    return book


@router.get("/v1/staff/config/ladder", summary="The escalation ladder", tags=TAGS, security=STAFF)
def ladder() -> Ladder:
    return services().rules.ladder()


@router.put("/v1/staff/config/ladder", summary="Replace the escalation ladder", tags=TAGS, security=ADMIN)
def replace_ladder(body: Annotated[Ladder, Body()]) -> Ladder:
    _units_exist([("dispatch_desk", body.dispatch_desk)])
    services().rules.save("ladder", body)
    return body


@router.get("/v1/staff/config/routing", summary="Routing rules, tried in order", tags=TAGS, security=STAFF)
def routing() -> RoutingTable:
    return services().rules.routing()


@router.put("/v1/staff/config/routing", summary="Replace the routing rules", tags=TAGS, security=ADMIN)
def replace_routing(table: Annotated[RoutingTable, Body()]) -> RoutingTable:
    _units_exist([(f"rules.{i}.unit_id", rule.unit_id) for i, rule in enumerate(table.rules)])
    services().rules.save("routing", table)
    return table


class UnitChain(BaseModel):
    items: list[Unit]


@router.get(
    "/v1/staff/units/<unit_id>", summary="A unit and the chain above it, nearest first", tags=TAGS, security=STAFF
)
def unit(unit_id: str) -> UnitChain:
    chain = climb(unit_id, services().units.get)
    if not chain:
        raise NotFound(f"no unit '{unit_id}'")
    return UnitChain(items=chain)


@router.put("/v1/staff/units/<unit_id>", summary="Create or replace a unit", tags=TAGS, security=ADMIN)
def replace_unit(unit_id: str, body: Annotated[Unit, Body()]) -> Unit:
    if body.id != unit_id:
        raise InvalidInput("the id in the body differs from the path", [FieldProblem("id", f"must be '{unit_id}'")])
    if body.parent_id is not None:
        _units_exist([("parent_id", body.parent_id)])
    services().units.save(body)
    return body

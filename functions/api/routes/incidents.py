"""Major incidents (重大事件): their detection rules, and supervisors' work on them — list, read, declare by hand,
merge, resolve (the result reaches every ticket), dismiss (a false alarm: every ticket unbound)."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.incidents.incident import ID_PATTERN, IncidentStatus
from hotline.domain.incidents.rules import IncidentRules
from hotline.domain.staff.roles import SUPERVISION_ROLES, StaffMember
from hotline.services import api_services

from functions.api import errors
from functions.api.identity import staff_of, staff_roles
from functions.api.routes.common import Limit, NextToken, or_conflict, page_request
from functions.api.schemas.incidents import DismissIn, IncidentIn, IncidentList, IncidentView, MergeIn, ResolveIn

router = APIGatewayRouter()
TAGS = ["staff: incidents"]
SUPERVISORS = staff_roles(SUPERVISION_ROLES)
IncidentPath = Annotated[str, Path(pattern=ID_PATTERN, description="The incident's id.")]


def _staff() -> StaffMember:
    return staff_of(router.current_event)


@router.get(
    "/v1/staff/config/incidents",
    summary="When similar tickets make a major incident",
    tags=["staff: configuration"],
    security=SUPERVISORS,
)
def rules() -> IncidentRules:
    return api_services().incidents.rules_in_force(_staff())


@router.put(
    "/v1/staff/config/incidents",
    summary="Replace the major-incident rules",
    description="Applies to the next new ticket. 422 naming the field for a value out of range or an urgent "
    "category the catalogue does not have.",
    tags=["staff: configuration"],
    security=SUPERVISORS,
)
def replace_rules(body: Annotated[IncidentRules, Body()]) -> IncidentRules:
    return api_services().incidents.replace_rules(_staff(), body)


@router.get("/v1/staff/incidents", summary="Major incidents, newest first", tags=TAGS, security=SUPERVISORS)
def incidents(
    status: Annotated[IncidentStatus | None, Query(description="Only incidents in this status.")] = None,
    limit: Limit = 50,
    next_token: NextToken = None,
) -> IncidentList:
    page = api_services().incidents.incidents(_staff(), status, page_request(limit, next_token))
    return IncidentList(items=[IncidentView.of(incident) for incident in page.items], next=page.next)


@router.post(
    "/v1/staff/incidents",
    summary="Declare a major incident by hand",
    description="Its tickets are bound under the earliest (the primary); leadership is notified and ops are paged. "
    "It takes later tickets of its category and area unless an open incident already does. 422 naming "
    "`tickets.<i>` for an unknown number.",
    tags=TAGS,
    security=SUPERVISORS,
    responses={
        201: {"description": "Declared", "content": {"application/json": {"model": IncidentView}}},
        **errors.error(
            HTTPStatus.CONFLICT,
            "`ticket_in_incident` (an open incident has it: merge instead), `not_gatherable` (answered, or bound), "
            "`incident_conflict` (another incident took a ticket meanwhile: try again)",
        ),
    },
)
def declare(body: Annotated[IncidentIn, Body()]) -> Response[IncidentView]:
    incident = api_services().incidents.declare(_staff(), body.tickets, body.title)
    return Response(
        status_code=201,
        content_type=content_types.APPLICATION_JSON,
        body=IncidentView.of(incident),
        headers={"Location": f"/v1/staff/incidents/{incident.id}"},
    )


@router.get("/v1/staff/incidents/<incident_id>", summary="A major incident", tags=TAGS, security=SUPERVISORS)
def incident(incident_id: IncidentPath) -> IncidentView:
    return IncidentView.of(api_services().incidents.get(_staff(), incident_id))


@router.post(
    "/v1/staff/incidents/<incident_id>/merge",
    summary="Merge another incident into this one",
    description="Its tickets go under this incident's primary and it takes later tickets from the other's areas; the "
    "other ends `merged`. 422 naming `other` for this incident itself or an unknown one.",
    tags=TAGS,
    security=SUPERVISORS,
    responses=or_conflict(IncidentView, "The incident with the other's tickets", "`incident_not_open` (either one)"),
)
def merge(incident_id: IncidentPath, body: Annotated[MergeIn, Body()]) -> IncidentView:
    return IncidentView.of(api_services().incidents.merge(_staff(), incident_id, body.other))


@router.post(
    "/v1/staff/incidents/<incident_id>/resolve",
    summary="Resolve the incident: the result reaches every ticket",
    description="The primary is replied with the result, and its reply reaches every bound ticket: each is replied, "
    "its customer texted and surveyed. Leadership is told.",
    tags=TAGS,
    security=SUPERVISORS,
    responses=or_conflict(
        IncidentView,
        "The resolved incident",
        "`incident_not_open`, `primary_replied` (its primary was answered with another result: reopen it first), "
        "`primary_bound` (staff bound its primary to another ticket: unlink it first)",
    ),
)
def resolve(incident_id: IncidentPath, body: Annotated[ResolveIn, Body()]) -> IncidentView:
    return IncidentView.of(api_services().incidents.resolve(_staff(), incident_id, body.result, body.cause_code))


@router.post(
    "/v1/staff/incidents/<incident_id>/dismiss",
    summary="Dismiss the incident as a false alarm: every ticket is unbound",
    description="Each ticket goes on alone, its clock running again; none counts towards another incident. "
    "Dismissing again finishes unbinding.",
    tags=TAGS,
    security=SUPERVISORS,
    responses=or_conflict(IncidentView, "The dismissed incident", "`incident_not_open` (resolved or merged)"),
)
def dismiss(incident_id: IncidentPath, body: Annotated[DismissIn, Body()]) -> IncidentView:
    return IncidentView.of(api_services().incidents.dismiss(_staff(), incident_id, body.reason))

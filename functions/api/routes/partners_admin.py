"""Partner administration for the admin role: create partners, rotate and revoke their API keys, see usage.

A key's value appears in exactly two responses — creating the partner and rotating its key — and is
never stored by Hotline or logged; those responses carry `Cache-Control: no-store`.
"""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.partners.admin import DEFAULT_USAGE_DAYS, MAX_USAGE_DAYS, KeyedPartner
from hotline.domain.staff.roles import ADMIN_ROLES, StaffMember
from hotline.services import api_services

from functions.api import errors
from functions.api.identity import staff_of, staff_roles
from functions.api.routes.common import Limit, NextToken, page_request
from functions.api.schemas.admin import PartnerIn, PartnerInfo, PartnerKey, PartnerList, PartnerView

router = APIGatewayRouter()
ADMIN = staff_roles(ADMIN_ROLES)
BUSY = "`rotation_in_progress`: another key change for this partner still runs after 5 s of waiting"
Days = Annotated[int, Query(ge=1, le=MAX_USAGE_DAYS, description="Usage for this many UTC days, ending today.")]


def _admin() -> StaffMember:
    return staff_of(router.current_event)


def _with_key(keyed: KeyedPartner, status: int) -> Response[PartnerKey]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=PartnerKey(api_key=keyed.api_key, partner=PartnerInfo.of(keyed.partner)),
        headers={"Cache-Control": "no-store", "Location": f"/v1/staff/partners/{keyed.partner.id}"},
    )


def _key_response(description: str) -> OpenAPIResponse:
    return {"description": description, "content": {"application/json": {"model": PartnerKey}}}


@router.post(
    "/v1/staff/partners",
    summary="Create a partner with its usage plan and API key (admin)",
    tags=["staff: partners"],
    security=ADMIN,
    responses={
        201: _key_response("Created; the key's value is shown only in this response"),
        **errors.error(HTTPStatus.CONFLICT, "`partner_exists`: a partner with this id exists"),
    },
)
def create(partner: Annotated[PartnerIn, Body()]) -> Response[PartnerKey]:
    keyed = api_services().partner_admin.create(
        _admin(), partner.id, partner.name, partner.contact_email, partner.quota
    )
    return _with_key(keyed, 201)


@router.get(
    "/v1/staff/partners", summary="Partners with their recent usage (admin)", tags=["staff: partners"], security=ADMIN
)
def listing(days: Days = DEFAULT_USAGE_DAYS, limit: Limit = 50, next_token: NextToken = None) -> PartnerList:
    page = api_services().partner_admin.list(_admin(), page_request(limit, next_token), days)
    return PartnerList(items=[PartnerView.of_standing(s) for s in page.items], next=page.next)


@router.get(
    "/v1/staff/partners/<partner_id>",
    summary="One partner with its usage (admin)",
    tags=["staff: partners"],
    security=ADMIN,
)
def read(partner_id: str, days: Days = DEFAULT_USAGE_DAYS) -> PartnerView:
    return PartnerView.of_standing(api_services().partner_admin.get(_admin(), partner_id, days))


@router.post(
    "/v1/staff/partners/<partner_id>/keys/rotate",
    summary="Issue a new API key; the old one stops working at once (admin)",
    tags=["staff: partners"],
    security=ADMIN,
    responses={
        200: _key_response("The new key's value, shown only in this response"),
        **errors.error(HTTPStatus.CONFLICT, BUSY),
    },
)
def rotate(partner_id: str) -> Response[PartnerKey]:
    return _with_key(api_services().partner_admin.rotate(_admin(), partner_id), 200)


@router.post(
    "/v1/staff/partners/<partner_id>/revoke",
    summary="Revoke the partner's API key at once (admin); rotate to reinstate",
    tags=["staff: partners"],
    security=ADMIN,
    responses={
        200: {"description": "The partner, now inactive", "content": {"application/json": {"model": PartnerInfo}}},
        **errors.error(HTTPStatus.CONFLICT, BUSY),
    },
)
def revoke(partner_id: str) -> PartnerInfo:
    return PartnerInfo.of(api_services().partner_admin.revoke(_admin(), partner_id))

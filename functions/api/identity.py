"""Who is calling, as API Gateway reports it: an API key's id for partners, Cognito claims for staff."""

from typing import Any

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from hotline.domain.errors import Forbidden, Unauthenticated
from hotline.domain.partners import Partner
from hotline.domain.ports import PartnerRepository
from hotline.domain.staff import Role, StaffMember

ROLE_NAMES = {role.value for role in Role}


def partner_of(event: APIGatewayProxyEvent, partners: PartnerRepository) -> Partner:
    # Never from a client header: API Gateway fills identity.apiKeyId after checking the key.
    api_key_id = event.request_context.identity.api_key_id
    if not api_key_id:
        raise Unauthenticated("an API key is required (x-api-key header)")
    partner = partners.by_api_key_id(api_key_id)
    if partner is None:
        raise Forbidden("this API key does not belong to an active partner")
    return partner


def groups_of(claim: Any) -> set[str]:
    """`cognito:groups` arrives as a list, or (REST authorizer) as "a,b" or "[a b]"."""
    if isinstance(claim, list):
        return {str(g) for g in claim}
    if isinstance(claim, str):
        return {g for g in claim.strip("[]").replace(",", " ").split() if g}
    return set()


def staff_of(event: APIGatewayProxyEvent) -> StaffMember:
    claims: dict[str, Any] = event.request_context.authorizer.claims or {}
    if not claims.get("sub"):
        raise Unauthenticated("sign in as staff (Authorization: Bearer <Cognito ID token>)")
    roles = frozenset(Role(g) for g in groups_of(claims.get("cognito:groups")) & ROLE_NAMES)
    if not roles:
        raise Forbidden("this account has no staff role")
    return StaffMember(
        id=str(claims["sub"]),
        username=str(claims.get("cognito:username", claims["sub"])),
        roles=roles,
        unit_id=claims.get("custom:unit_id") or None,
    )

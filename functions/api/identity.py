"""Who is calling, as API Gateway reports it: an API key's id for partners, Cognito claims for staff.

Each route declares who may call it as its OpenAPI `security` (PARTNER, STAFF, or `staff_roles(...)`);
`authorize` enforces that declaration before the request is validated, so a caller who may not act gets
401/403 whatever the body holds.
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from hotline.domain.base.errors import Forbidden, Unauthenticated
from hotline.domain.partners.partner import Partner
from hotline.domain.partners.ports import PartnerRepository
from hotline.domain.staff.roles import Role, StaffMember

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.models import SecurityScheme

ROLE_NAMES = {role.value for role in Role}

Security = list[dict[str, list[str]]]


def security_schemes() -> dict[str, "SecurityScheme"]:
    """How each audience proves who it is, for the OpenAPI document (its models load for the document only)."""
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, HTTPBearer

    return {
        "partner": APIKey(name="x-api-key", in_=APIKeyIn.header, description="The partner's API key"),
        "staff": HTTPBearer(
            bearerFormat="JWT",
            description="A Cognito ID token; an operation's scopes name the Cognito groups (roles) allowed,"
            " any if none",
        ),
    }


PARTNER: Security = [{"partner": []}]
STAFF: Security = [{"staff": []}]
"""Any staff role."""
PARTNER_CONTEXT = "partner"


def staff_roles(roles: Iterable[Role]) -> Security:
    """Staff with one of `roles`: one of the domain's sets (hotline.domain.staff.roles), the same the domain checks."""
    return [{"staff": sorted(role.value for role in roles)}]


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


def authorize(
    security: Security | None, event: APIGatewayProxyEvent, partners: Callable[[], PartnerRepository]
) -> Partner | None:
    """Refuse a caller the route's `security` does not admit (401 unknown, 403 not allowed); the partner calling."""
    partner = None
    for requirement in security or []:
        if "partner" in requirement:
            partner = partner_of(event, partners())
        if "staff" in requirement:
            allowed = frozenset(Role(name) for name in requirement["staff"])
            member = staff_of(event)
            if allowed:
                member.require_any(allowed, f"{event.http_method} {event.path}")
    return partner


def current_partner(context: dict[str, Any]) -> Partner:
    """The partner `authorize` admitted for this request (kept in the resolver's context: one lookup)."""
    partner = context.get(PARTNER_CONTEXT)
    if not isinstance(partner, Partner):
        raise AssertionError("a partner route must declare security=PARTNER")
    return partner

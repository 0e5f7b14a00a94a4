"""Demo data for the local cloud: the catalogue, a demo partner with its API key, one staff user per role."""

import secrets
import string
from dataclasses import dataclass

import boto3
from hotline.domain.partners.partner import Quota
from hotline.domain.staff.roles import Role, StaffMember
from hotline.domain.tickets.catalog import DEFAULT_CATALOG
from hotline.services import ApiServices, build_api
from hotline.settings import ApiSettings

from infra.local.deploy import REGION, Deployment
from infra.local.units import DEMO_UNITS

DEMO_PARTNER = "demo-partner"
DEMO_UNIT = "district-urban-management"  # unit1 handles this unit's tickets
SEEDER = StaffMember(id="local-seed", username="local-seed", roles=frozenset({Role.ADMIN}))


@dataclass(frozen=True)
class StaffLogin:
    username: str
    password: str
    token: str


@dataclass(frozen=True)
class DemoData:
    partner_api_key: str
    staff: dict[str, StaffLogin]


def _password() -> str:
    # Meets the pool's policy: length 12+, upper, lower, digit, symbol.
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(16)) + "Aa1!"


def _staff_user(deployment: Deployment, role: Role) -> StaffLogin:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = deployment.outputs["UserPoolId"]
    username, password = f"{role.value}1", _password()
    unit = [{"Name": "custom:unit_id", "Value": DEMO_UNIT}] if role is Role.UNIT else []
    cognito.admin_create_user(UserPoolId=pool, Username=username, UserAttributes=unit, MessageAction="SUPPRESS")  # type: ignore[arg-type]
    cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=password, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName=role.value)
    return StaffLogin(username, password, sign_in(deployment, username, password))


def sign_in(deployment: Deployment, username: str, password: str) -> str:
    """A fresh Cognito ID token (valid one hour), as a staff console would obtain it."""
    answer = boto3.client("cognito-idp", region_name=REGION).initiate_auth(
        ClientId=deployment.outputs["UserPoolClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(answer["AuthenticationResult"]["IdToken"])


def _api_services(deployment: Deployment) -> ApiServices:
    """The API function's services, built from the environment the template gave it, as its first request does."""
    function = deployment.outputs["ApiFunctionName"]
    variables = boto3.client("lambda", region_name=REGION).get_function_configuration(FunctionName=function)
    given = {name.lower(): value for name, value in variables["Environment"]["Variables"].items()}
    fields = {name: value for name, value in given.items() if name in ApiSettings.model_fields}
    return build_api(ApiSettings.model_validate({**fields, "aws_region": REGION}))


def seed(deployment: Deployment) -> DemoData:
    services = _api_services(deployment)
    services.catalog.save(DEFAULT_CATALOG)
    for unit in DEMO_UNITS:
        services.units.save(unit)
    # The same path an admin takes through POST /v1/staff/partners: a usage plan, a key, the partner record.
    demo = services.partner_admin.create(SEEDER, DEMO_PARTNER, "Demo city app", "demo-partner@hotline.example", Quota())
    return DemoData(partner_api_key=demo.api_key, staff={role.value: _staff_user(deployment, role) for role in Role})

"""The REST API: one Lambda behind API Gateway; public, partner (API key) and staff (Cognito) branches."""

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct
from hotline.aws.api_gateway import OWNER_TAG

from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers
from infra.nag import acknowledge

STAGE = "live"

# What the store and Powertools idempotency call (transactions need the per-item actions); no Scan.
TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",  # Open311 lookups by number
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:Query",
    "dynamodb:DescribeTable",
)
# DeleteItem only for the partition keys the API deletes: a replaced key's KEYHASH# pointer, a partner's
# webhook and key lease (PARTNER#), Powertools' record of a failed idempotent request, an ended major incident's hold
# on its area (INCIDENTAREA#). Tickets, their timelines and the configuration cannot be deleted.
DELETED_KEYS = ("KEYHASH#*", "PARTNER#*", "idempotency#*", "INCIDENTAREA#*")

# Requests per second and burst for each audience's routes (`*` covers their ANY method): each draws on its
# own bucket, so a flood on public routes cannot starve partners or staff. Partners are also throttled per key
# by their usage plans, and the firewall (infra/constructs/firewall.py) limits each client address.
THROTTLES: dict[str, tuple[int, int]] = {
    "/v1/{proxy+}": (30, 60),  # public: form submission, tracking, catalogue, docs
    "/open311/{proxy+}": (20, 40),
    "/v1/partner/{proxy+}": (100, 200),
    "/v1/staff/{proxy+}": (50, 100),
}

# API Gateway's own refusals, in the same error shape as the Lambda's.
GATEWAY_ERRORS: dict[apigw.ResponseType, tuple[str, str]] = {  # type -> (status, error code)
    apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN: ("404", "not_found"),
    apigw.ResponseType.INVALID_API_KEY: ("403", "invalid_api_key"),
    apigw.ResponseType.UNAUTHORIZED: ("401", "unauthenticated"),
    apigw.ResponseType.ACCESS_DENIED: ("403", "forbidden"),
    apigw.ResponseType.THROTTLED: ("429", "throttled"),
    apigw.ResponseType.QUOTA_EXCEEDED: ("429", "quota_exceeded"),
    apigw.ResponseType.REQUEST_TOO_LARGE: ("413", "payload_too_large"),
    apigw.ResponseType.WAF_FILTERED: ("403", "request_blocked"),  # by a WAF managed rule (rate rules answer 429)
    apigw.ResponseType.DEFAULT_4_XX: ("400", "bad_request"),
    apigw.ResponseType.DEFAULT_5_XX: ("502", "gateway_error"),
}


class TicketApi(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table: dynamodb.ITable,
        layers: SharedLayers,
        user_pool: cognito.IUserPool,
        centre_time_zone: str,
    ) -> None:
        super().__init__(scope, id)
        self.function = python_function(
            self,
            "Function",
            package="api",
            layers=layers,
            environment={
                "TABLE_NAME": table.table_name,
                "CENTRE_TIME_ZONE": centre_time_zone,
                "POWERTOOLS_SERVICE_NAME": "hotline-api",
            },
        )
        table.grant(self.function, *TABLE_ACTIONS)
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["dynamodb:DeleteItem"],
                resources=[table.table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(DELETED_KEYS)}},
            )
        )
        # The key of the access-code and phone hashes (hotline.domain.base.privacy.Pepper), kept outside the table.
        # Retained with the table: without it no stored access code could be checked again.
        self.hash_key = secretsmanager.Secret(
            self,
            "HashKey",
            description="Hotline: HMAC key of stored access-code and phone hashes; replacing it invalidates them",
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=64, exclude_punctuation=True),
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.hash_key.grant_read(self.function)
        self.function.add_environment("PEPPER_SECRET_ARN", self.hash_key.secret_arn)
        acknowledge(
            self.hash_key,
            "AwsSolutions::AwsSolutions-SMG4",
            "Rotating the hash key would invalidate every stored access-code and phone hash; it is replaced "
            "only with a re-keying migration, not on a schedule.",
        )

        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name="hotline",
            description="Hotline ticket intake and tracking",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            api_key_source_type=apigw.ApiKeySourceType.HEADER,
            cloud_watch_role=True,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE,
                throttling_rate_limit=50,
                throttling_burst_limit=100,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                metrics_enabled=True,
                method_options={
                    f"{path}/*": apigw.MethodDeploymentOptions(
                        throttling_rate_limit=rate,
                        throttling_burst_limit=burst,
                        logging_level=apigw.MethodLoggingLevel.ERROR,
                        metrics_enabled=True,
                    )
                    for path, (rate, burst) in THROTTLES.items()
                },
                access_log_destination=apigw.LogGroupLogDestination(
                    logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.ONE_YEAR)
                ),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
            ),
        )
        integration = apigw.LambdaIntegration(self.function, proxy=True)
        v1 = self.rest_api.root.add_resource("v1")
        # Public routes (form submission, tracking, catalogue, docs) and JSON 404/405s for the rest of /v1.
        public = v1.add_proxy(default_integration=integration, any_method=True)
        v1.add_resource("partner").add_proxy(
            default_integration=integration,
            default_method_options=apigw.MethodOptions(api_key_required=True),
            any_method=True,
        )
        # Open311 GeoReport v2: public at the gateway; the key is the `api_key` form field, checked in Lambda.
        self.rest_api.root.add_resource("open311").add_proxy(default_integration=integration, any_method=True)
        authorizer = apigw.CognitoUserPoolsAuthorizer(self, "StaffAuthorizer", cognito_user_pools=[user_pool])
        staff = v1.add_resource("staff").add_proxy(
            default_integration=integration,
            default_method_options=apigw.MethodOptions(
                authorizer=authorizer, authorization_type=apigw.AuthorizationType.COGNITO
            ),
            any_method=True,
        )
        self._browser_routes = (public, staff)  # what the site's pages call
        self._administer_partner_keys()
        self._gateway_responses = [
            self.rest_api.add_gateway_response(
                f"Gateway{code.title().replace('_', '')}{status}",
                type=response_type,
                status_code=status,
                templates={
                    "application/json": '{"error": {"code": "' + code + '", "message": $context.error.messageString}}'
                },
            )
            for response_type, (status, code) in GATEWAY_ERRORS.items()
        ]
        acknowledge(
            self.rest_api,
            "AwsSolutions::AwsSolutions-APIG2",
            "Bodies are validated in the Lambda with pydantic, which names each invalid field.",
        )
        acknowledge(
            self.rest_api,
            "AwsSolutions::AwsSolutions-APIG4",
            "Citizen routes are public by design (form submission, tracking by number and access code).",
        )
        acknowledge(
            self.rest_api,
            "AwsSolutions::AwsSolutions-COG4",
            "Only /v1/staff uses Cognito; public routes are open and partner routes require an API key.",
        )

    def allow_origin(self, origin: str) -> None:
        """Browsers may call the public and staff routes from the site's pages on `origin`, and from no other origin:
        API Gateway answers their preflight requests, and its own refusals (401, 429 …) are readable there too.
        The function's answers say the same (functions/api/handler.py, from SITE_URL)."""
        for resource in self._browser_routes:
            resource.add_cors_preflight(
                allow_origins=[origin],
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                allow_headers=["Authorization", "Content-Type"],
                max_age=Duration.hours(1),
            )
        for response in self._gateway_responses:
            refusal = response.node.default_child
            assert isinstance(refusal, apigw.CfnGatewayResponse)
            refusal.response_parameters = {"gatewayresponse.header.Access-Control-Allow-Origin": f"'{origin}'"}

    def _administer_partner_keys(self) -> None:
        """The admin routes create usage plans and API keys (one each per partner) and rotate and revoke keys."""
        self.function.add_environment("REST_API_ID", self.rest_api.rest_api_id)
        self.function.add_environment("API_STAGE", STAGE)

        stack = Stack.of(self)

        def arn(path: str) -> str:  # API Gateway's ARNs name no account: arn:aws:apigateway:<region>::/<path>
            return f"arn:{stack.partition}:apigateway:{stack.region}::{path}"

        # API Gateway authorizes its control plane by HTTP verb on resource paths; see hotline.aws.api_gateway.
        # Plans and keys are created carrying OWNER_TAG = this API's id (tagging on create is a PUT on /tags),
        # and only what carries it may be managed: the role cannot touch other plans and keys in the region.
        # A plan's tag also covers its keys' attachments (API Gateway's tag inheritance for UsagePlanKey).
        owner = {f"aws:ResourceTag/{OWNER_TAG}": self.rest_api.rest_api_id}
        tagged = {
            "StringEquals": {f"aws:RequestTag/{OWNER_TAG}": self.rest_api.rest_api_id},
            "ForAllValues:StringEquals": {"aws:TagKeys": [OWNER_TAG]},
        }
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["apigateway:POST"], resources=[arn("/usageplans"), arn("/apikeys")], conditions=tagged
            )
        )
        self.function.add_to_role_policy(
            iam.PolicyStatement(actions=["apigateway:PUT"], resources=[arn("/tags/*")], conditions=tagged)
        )
        # Plan and key ids are made at run time, so no template can name them: the paths end in a wildcard.
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                # get/delete a plan; attach (POST …/keys), check and detach a key
                actions=["apigateway:GET", "apigateway:POST", "apigateway:DELETE"],
                resources=[arn("/usageplans/*")],
                conditions={"StringEquals": owner},
            )
        )
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["apigateway:PATCH", "apigateway:DELETE"],
                resources=[arn("/apikeys/*")],
                conditions={"StringEquals": owner},
            )
        )
        # Usage figures are read-only, and API Gateway documents no tag inheritance for them.
        self.function.add_to_role_policy(
            iam.PolicyStatement(actions=["apigateway:GET"], resources=[arn("/usageplans/*/usage")])
        )
        reason = (
            "Partners' usage plans and API keys are created at run time by the admin routes, so their ids "
            "cannot be named in the template; the grant is limited to the usage-plan and API-key paths, to the "
            "verbs the admin routes use and to plans and keys tagged as this API's (no REST API, stage or "
            "account settings); tagging is limited to that one tag, and usage figures are only read."
        )
        for path in ("usageplans/*", "apikeys/*", "tags/*", "usageplans/*/usage"):
            acknowledge(
                self.function,
                f"AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/{path}]",
                reason,
            )

"""The REST API: one Lambda behind API Gateway; public, partner (API key) and staff (Cognito) branches."""

from aws_cdk import Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.constructs.functions import python_function
from infra.constructs.layers import SharedLayers
from infra.nag import acknowledge

STAGE = "live"

# What the store and Powertools idempotency call (transactions need the per-item actions); no Scan.
TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:Query",
    "dynamodb:DescribeTable",
)

# API Gateway's own refusals, in the same error shape as the Lambda's.
GATEWAY_ERRORS: dict[apigw.ResponseType, tuple[str, str]] = {  # type -> (status, error code)
    apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN: ("404", "not_found"),
    apigw.ResponseType.INVALID_API_KEY: ("403", "invalid_api_key"),
    apigw.ResponseType.UNAUTHORIZED: ("401", "unauthenticated"),
    apigw.ResponseType.ACCESS_DENIED: ("403", "forbidden"),
    apigw.ResponseType.THROTTLED: ("429", "throttled"),
    apigw.ResponseType.QUOTA_EXCEEDED: ("429", "quota_exceeded"),
    apigw.ResponseType.REQUEST_TOO_LARGE: ("413", "payload_too_large"),
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
        v1.add_proxy(default_integration=integration, any_method=True)
        v1.add_resource("partner").add_proxy(
            default_integration=integration,
            default_method_options=apigw.MethodOptions(api_key_required=True),
            any_method=True,
        )
        # Open311 GeoReport v2: public at the gateway; the key is the `api_key` form field, checked in Lambda.
        self.rest_api.root.add_resource("open311").add_proxy(default_integration=integration, any_method=True)
        authorizer = apigw.CognitoUserPoolsAuthorizer(self, "StaffAuthorizer", cognito_user_pools=[user_pool])
        v1.add_resource("staff").add_proxy(
            default_integration=integration,
            default_method_options=apigw.MethodOptions(
                authorizer=authorizer, authorization_type=apigw.AuthorizationType.COGNITO
            ),
            any_method=True,
        )
        self._administer_partner_keys()
        for response_type, (status, code) in GATEWAY_ERRORS.items():
            self.rest_api.add_gateway_response(
                f"Gateway{code.title().replace('_', '')}{status}",
                type=response_type,
                status_code=status,
                templates={
                    "application/json": '{"error": {"code": "' + code + '", "message": $context.error.messageString}}'
                },
            )
        acknowledge(
            self.rest_api,
            "AwsSolutions::AwsSolutions-APIG2",
            "Bodies are validated in the Lambda with pydantic, which names each invalid field.",
        )
        acknowledge(
            self.rest_api,
            "AwsSolutions::AwsSolutions-APIG3",
            "WAF is chosen per deployment; stage throttling and per-partner usage plans limit abuse.",
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

    def _administer_partner_keys(self) -> None:
        """The admin routes create usage plans and API keys (one each per partner) and rotate and revoke keys."""
        self.function.add_environment("REST_API_ID", self.rest_api.rest_api_id)
        self.function.add_environment("API_STAGE", STAGE)

        stack = Stack.of(self)

        def arn(path: str) -> str:  # API Gateway's ARNs name no account: arn:aws:apigateway:<region>::/<path>
            return f"arn:{stack.partition}:apigateway:{stack.region}::{path}"

        # API Gateway authorizes its control plane by HTTP verb on resource paths; see hotline.store.api_keys.
        self.function.add_to_role_policy(
            iam.PolicyStatement(actions=["apigateway:POST"], resources=[arn("/usageplans"), arn("/apikeys")])
        )
        # Plan and key ids are made at run time, so no template can name them: the paths end in a wildcard.
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                # get/delete a plan; attach (POST …/keys), check and detach a key; read …/usage
                actions=["apigateway:GET", "apigateway:POST", "apigateway:DELETE"],
                resources=[arn("/usageplans/*")],
            )
        )
        self.function.add_to_role_policy(
            iam.PolicyStatement(actions=["apigateway:PATCH", "apigateway:DELETE"], resources=[arn("/apikeys/*")])
        )
        reason = (
            "Partners' usage plans and API keys are created at run time by the admin routes, so their ids "
            "cannot be named in the template; the grant is limited to the usage-plan and API-key paths and "
            "to the verbs the admin routes use (no REST API, stage or account settings)."
        )
        for path in ("usageplans/*", "apikeys/*"):
            acknowledge(
                self.function,
                f"AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/{path}]",
                reason,
            )

"""The API Lambda: one resolver for the public, partner and staff routes."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi.models import OpenAPI
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.services import api_services

from functions.api import errors
from functions.api.idempotency import config as idempotency_config
from functions.api.identity import PARTNER_CONTEXT, SECURITY_SCHEMES, authorize
from functions.api.limits import check_json_body, oversize_body
from functions.api.routes import (
    calendars,
    config_admin,
    handling,
    open311,
    partner,
    partners_admin,
    public,
    staff_tickets,
    webhooks,
)

logger = Logger(service="hotline-api")


class Resolver(APIGatewayRestResolver):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPI:
        # The document served at /v1/docs and committed as docs/openapi.json lists every error (errors.py).
        return errors.documented(super().get_openapi_schema(**kwargs))


class Gatekeeper(OpenAPIRequestValidationMiddleware):
    """Runs where Powertools validates the request, just before it: first who may call the route, then
    whether a body it reads is JSON at all — so a role that may not act gets 403 whatever its body holds."""

    def handler(self, app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:  # type: ignore[override]
        route = app.context["_route"]
        caller = authorize(route.security, app.current_event, lambda: api_services().partners)
        if caller is not None:
            app.append_context(**{PARTNER_CONTEXT: caller})
        if route.dependant.body_params:
            check_json_body(app.current_event)
        return super().handler(app, next_middleware)


app = Resolver(enable_validation=True)
app._request_validation_middleware = Gatekeeper()
app.include_router(public.router)
app.include_router(partner.router)
app.include_router(staff_tickets.router)
app.include_router(partners_admin.router)
app.include_router(calendars.router)
app.include_router(handling.router)
app.include_router(config_admin.router)
app.include_router(open311.router)
app.include_router(webhooks.router)
errors.install(app)
app.configure_openapi(title="Hotline API", version="1.0.0", security_schemes=SECURITY_SCHEMES)
app.enable_swagger(path="/v1/docs")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # An incomplete environment fails the invocation (SettingsError) rather than one route.
    api_services().config.new_request()
    idempotency_config.register_lambda_context(context)
    return oversize_body(event) or app.resolve(event, context)

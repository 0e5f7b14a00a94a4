"""The API Lambda: one resolver for the public, partner and staff routes."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api import errors
from functions.api.idempotency import config as idempotency_config
from functions.api.limits import oversize_body
from functions.api.routes import (
    calendars,
    handling,
    open311,
    partner,
    partners_admin,
    public,
    rules_admin,
    staff,
    webhooks,
)

logger = Logger(service="hotline-api")

app = APIGatewayRestResolver(enable_validation=True)
app.include_router(public.router)
app.include_router(partner.router)
app.include_router(staff.router)
app.include_router(partners_admin.router)
app.include_router(calendars.router)
app.include_router(handling.router)
app.include_router(rules_admin.router)
app.include_router(open311.router)
app.include_router(webhooks.router)
errors.install(app)
app.configure_openapi(title="Hotline API", version="1.0.0")
app.enable_swagger(path="/v1/docs")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)
    return oversize_body(event) or app.resolve(event, context)

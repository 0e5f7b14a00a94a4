"""The API Lambda: one resolver for the public, partner and staff routes."""

import json
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.shared.json_encoder import Encoder
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api import errors, routes
from functions.api.docs import TITLE, VERSION, swagger
from functions.api.identity import PARTNER_CONTEXT, authorize, security_schemes
from functions.api.limits import check_json_body, check_query_names, oversize_body

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.models import OpenAPI

logger = Logger(service="hotline-api")

ROUTE_MODULES = (
    "public",
    "uploads",
    "partner",
    "staff_tickets",
    "partners_admin",
    "calendars",
    "handling",
    "duplicates",
    "incidents",
    "config_admin",
    "open311",
    "webhooks",
    "surveys",
    "knowledge",
    "reports",
)
"""functions/api/routes, in their order of precedence (and in the OpenAPI document)."""
SERVED_BY: dict[str, tuple[str, ...]] = {
    "/v1/tickets": ("public", "surveys"),
    "/v1/catalog": ("public",),
    "/v1/uploads": ("uploads",),
    "/v1/faq": ("knowledge",),
    "/v1/partner/tickets": ("partner", "surveys"),
    "/v1/partner/webhook": ("webhooks",),
    "/v1/staff/tickets": ("staff_tickets", "handling", "duplicates", "surveys"),
    "/v1/staff/callbacks": ("surveys",),
    "/v1/staff/partners": ("partners_admin",),
    "/v1/staff/calendars": ("calendars",),
    "/v1/staff/config": ("config_admin", "duplicates", "incidents", "reports"),
    "/v1/staff/units": ("config_admin",),
    "/v1/staff/incidents": ("incidents",),
    "/v1/staff/knowledge": ("knowledge",),
    "/v1/staff/reports": ("reports",),
    "/v1/staff/dashboard": ("reports",),
    "/open311/": ("open311",),
}
"""Which route modules serve a path, by its beginning: a cold start imports only those (their schemas and domain
modules are most of the function's import time), the rest when a request first needs them."""


class Resolver(APIGatewayRestResolver):
    def __init__(self) -> None:
        # Powertools' default serializer escapes every non-ASCII character (ensure_ascii): Chinese goes out as UTF-8.
        super().__init__(
            enable_validation=True,
            serializer=partial(json.dumps, separators=(",", ":"), cls=Encoder, ensure_ascii=False),
        )
        self._included: set[str] = set()

    def include(self, modules: Iterable[str]) -> None:
        """Include the routers of these route modules, each imported on first use."""
        new = [name for name in modules if name not in self._included]
        for name in new:
            self.include_router(routes.module(name).router)
            self._included.add(name)
        if new:  # whatever came first, routes keep the precedence of ROUTE_MODULES' order (a stable sort)
            for registered in (self._static_routes, self._dynamic_routes):
                registered.sort(key=_precedence)

    def get_openapi_schema(self, **kwargs: Any) -> "OpenAPI":
        # The document served at /v1/docs and committed as docs/openapi.json lists every route and every error.
        self.include(ROUTE_MODULES)
        kwargs["security_schemes"] = kwargs.get("security_schemes") or security_schemes()
        return errors.documented(super().get_openapi_schema(**kwargs))


def _precedence(route: Any) -> int:
    module = route.func.__module__.rpartition(".")[2]
    return ROUTE_MODULES.index(module) if module in ROUTE_MODULES else len(ROUTE_MODULES)


def serving(path: str) -> list[str]:
    """The route modules that serve `path` (after the stage, when API Gateway's path carries it)."""
    return [module for prefix, modules in SERVED_BY.items() if prefix in path for module in modules]


class Gatekeeper(OpenAPIRequestValidationMiddleware):
    """Runs where Powertools validates the request, just before it: first who may call the route, then
    whether a body it reads is JSON at all — so a role that may not act gets 403 whatever its body holds — and, under
    /v1, whether it declares every query parameter sent (Open311 clients send extras, such as jurisdiction_id)."""

    def handler(self, app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:  # type: ignore[override]
        from hotline.services import api_services

        route = app.context["_route"]
        caller = authorize(route.security, app.current_event, lambda: api_services().partners)
        if caller is not None:
            app.append_context(**{PARTNER_CONTEXT: caller})
        if route.dependant.body_params:
            check_json_body(app.current_event)
        if route.path.startswith("/v1/"):
            check_query_names(route, app.current_event)
        return super().handler(app, next_middleware)


JSON_UTF8 = "application/json; charset=utf-8"

app = Resolver()
app._request_validation_middleware = Gatekeeper()
errors.install(app)
app.configure_openapi(title=TITLE, version=VERSION)


@app.get("/v1/docs", include_in_schema=False)
def docs(document: Annotated[str | None, Query(alias="format")] = None) -> Response[Any]:
    return swagger(app, as_json=document == "json")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from hotline.services import api_services  # with the domain behind it: a first request's, not the import's

    # An incomplete environment fails the invocation (SettingsError) rather than one route.
    services = api_services()
    services.config.new_request()
    app.include(serving(event.get("path") or ""))
    answer = with_charset(oversize_body(event) or app.resolve(event, context))
    return readable_by_site(answer, event, services.settings.site_origin)


def readable_by_site(response: dict[str, Any], event: dict[str, Any], origin: str) -> dict[str, Any]:
    """Let the site's pages (on CloudFront's origin in AWS) read every answer, errors and limits included, and no
    other origin's pages. Added here rather than by the resolver's CORS, which only covers the routes included
    after the settings (loaded on the first request) are known; API Gateway answers the preflight requests."""
    asked = next((v for k, v in (event.get("headers") or {}).items() if k.lower() == "origin"), None)
    allowed = CORSConfig(allow_origin=origin).to_dict(asked)
    if "multiValueHeaders" in response:
        response["multiValueHeaders"].update({name: [value] for name, value in allowed.items()})
    else:
        response["headers"] = {**(response.get("headers") or {}), **allowed}
    return response


def with_charset(response: dict[str, Any]) -> dict[str, Any]:
    """Say that JSON answers are UTF-8, whichever route, error handler or limit answered."""
    for key in ("headers", "multiValueHeaders"):
        headers = response.get(key) or {}
        value = headers.get("Content-Type")
        if value in ("application/json", ["application/json"]):
            headers["Content-Type"] = JSON_UTF8 if key == "headers" else [JSON_UTF8]
    return response

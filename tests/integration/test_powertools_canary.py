"""The API relies on private Powertools internals; these fail loudly if a Powertools upgrade moves them."""

from aws_lambda_powertools.event_handler.api_gateway import Route

from functions.api.handler import ROUTE_MODULES, app, serving
from tests.integration.conftest import Api


def test_the_resolver_still_keeps_its_routes_where_errors_py_reads_them(api: Api) -> None:
    # errors._allowed_methods reads these two lists with a default, so a rename would quietly turn 405 into 404;
    # Resolver.include sorts them.
    app.include(ROUTE_MODULES)
    for name in ("_static_routes", "_dynamic_routes"):
        routes = getattr(app, name)
        assert routes and all(isinstance(r, Route) and r.rule.match and r.method for r in routes), name
    assert {r.method for r in app._dynamic_routes if r.rule.match("/v1/tickets/2611-000001")} == {"GET"}

    for path, allowed in (("/v1/tickets", "POST"), ("/v1/tickets/2611-000001", "GET")):
        reply = api.call("DELETE", path)
        assert reply.status == 405 and reply.body["error"]["code"] == "method_not_allowed", (path, reply.body)
        assert reply.headers["Allow"] == allowed


def test_every_route_is_included_for_the_paths_it_serves() -> None:
    """A cold start includes only the routers SERVED_BY names for the request's path: a route it misses is a 404."""
    app.include(ROUTE_MODULES)
    for route in app._static_routes + app._dynamic_routes:
        module = route.func.__module__.rpartition(".")[2]
        if module in ROUTE_MODULES:
            assert module in serving(route.path), (route.path, module)

"""Refusals of what fails before a route runs (an unknown path or method, a body too large, a repeated parameter)
in Open311's shape under /open311, from its route module — imported only for those paths."""

from aws_lambda_powertools.event_handler import Response

from functions.api import routes

OPEN311 = "/open311/"


def open311_refusal(path: str, status: int, description: str) -> Response[str] | None:
    """Open311's error for `path`, or None outside /open311."""
    if not path.startswith(OPEN311):
        return None
    return routes.module("open311").refusal(path, status, description)  # type: ignore[no-any-return]

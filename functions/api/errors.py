"""Every failure becomes `{"error": {"code", "message", "fields"?}}` with one status, decided here — and
documented here: every operation of the OpenAPI document lists the errors it can answer."""

import json
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from hotline.domain.base.errors import (
    Conflict,
    Forbidden,
    Gone,
    HotlineError,
    InvalidInput,
    InvalidPageToken,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)

from functions.api.limits import MAX_BODY_BYTES, MalformedBody, UnsupportedMediaType
from functions.api.refusals import open311_refusal
from functions.api.schemas.errors import ErrorBody, ErrorDetail, ErrorField

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.models import OpenAPI

logger = Logger()


STATUS_OF: dict[type[HotlineError], HTTPStatus] = {
    InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    InvalidPageToken: HTTPStatus.BAD_REQUEST,
    NotFound: HTTPStatus.NOT_FOUND,
    Unauthenticated: HTTPStatus.UNAUTHORIZED,
    Forbidden: HTTPStatus.FORBIDDEN,
    Conflict: HTTPStatus.CONFLICT,
    Gone: HTTPStatus.GONE,
    TooManyAttempts: HTTPStatus.TOO_MANY_REQUESTS,
    MalformedBody: HTTPStatus.BAD_REQUEST,
    UnsupportedMediaType: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
}


def error_response(
    status: HTTPStatus, code: str, message: str, fields: list[ErrorField] | None = None, **extra: Any
) -> Response[Any]:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, fields=fields or None, **extra))
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(exclude_none=True),
    )


def _field_name(location: tuple[Any, ...]) -> str:
    # ("body", "location", "lat") -> "location.lat"; ("query", "limit") -> "limit"
    parts = [str(part) for part in location[1:]] if len(location) > 1 else [str(p) for p in location]
    return ".".join(parts)


def _validation_response(error: RequestValidationError) -> Response[Any]:
    problems = error.errors()
    fields = [ErrorField(field=_field_name(tuple(p.get("loc", ()))), problem=str(p.get("msg"))) for p in problems]
    return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_input", "the request has invalid values", fields)


def _allowed_methods(app: APIGatewayRestResolver, path: str) -> list[str]:
    routes = getattr(app, "_static_routes", []) + getattr(app, "_dynamic_routes", [])
    return sorted({route.method for route in routes if route.rule.match(path)})


def _refusal(path: str, status: HTTPStatus, code: str, message: str) -> Response[Any]:
    """In Open311's shape under /open311, in ours elsewhere."""
    return open311_refusal(path, status, message) or error_response(status, code, message)


def install(app: APIGatewayRestResolver) -> None:
    """Register the handlers; routes just raise domain errors."""

    @app.exception_handler(HotlineError)
    def domain_error(error: HotlineError) -> Response[Any]:
        status = next((s for cls, s in STATUS_OF.items() if isinstance(error, cls)), HTTPStatus.BAD_REQUEST)
        fields = [ErrorField(field=f.field, problem=f.problem) for f in getattr(error, "fields", [])]
        extra = {"current_status": error.current_status} if isinstance(error, Conflict) else {}
        return error_response(status, error.code, error.message, fields, **extra)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[Any]:
        # Open311's parameters are plain strings: only one sent more than once gets here.
        problems = "; ".join(f"{_field_name(tuple(p.get('loc', ())))}: {p.get('msg')}" for p in error.errors())
        refused = open311_refusal(app.current_event.path, HTTPStatus.BAD_REQUEST, problems)
        return refused or _validation_response(error)

    @app.not_found
    def unknown_route(_: NotFoundError) -> Response[Any]:
        path = app.current_event.path
        allowed = _allowed_methods(app, path)
        if allowed:
            message = f"{app.current_event.http_method} is not allowed here"
            refused = _refusal(path, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", message)
            refused.headers["Allow"] = ", ".join(allowed)
            return refused
        return _refusal(path, HTTPStatus.NOT_FOUND, "not_found", f"no route for {path}")

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response[Any]:
        logger.exception("unhandled error")
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "something went wrong on our side")


# --- the OpenAPI document ----------------------------------------------------------------------------

ERRORS: dict[HTTPStatus, str] = {
    HTTPStatus.BAD_REQUEST: "Malformed JSON, or a `next` token this listing did not issue",
    HTTPStatus.UNAUTHORIZED: "No staff token, or an invalid or expired one",
    HTTPStatus.FORBIDDEN: "A missing or invalid API key, or a role that may not do this",
    HTTPStatus.NOT_FOUND: "Unknown, or not yours",
    HTTPStatus.CONFLICT: "Clashes with the current state",
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: f"The body exceeds {MAX_BODY_BYTES} bytes",
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: "The body is not UTF-8 JSON sent as application/json",
    HTTPStatus.UNPROCESSABLE_ENTITY: "Valid JSON or parameters with invalid values, or a query parameter the "
    "operation does not take; `fields` names each",
    HTTPStatus.TOO_MANY_REQUESTS: "Throttled, or the day's quota is used up",
}
POWERTOOLS_422 = "#/components/schemas/HTTPValidationError"
"""Powertools documents a FastAPI-style 422 body (`detail`); ours is ErrorBody."""


def error(status: HTTPStatus, description: str | None = None) -> dict[int, OpenAPIResponse]:
    """An error a route declares beside the ones its shape implies (see `_implied`), for `responses=`.

    Once a route passes `responses=`, Powertools documents only those: list the success response too."""
    text = description or ERRORS[status]
    return {status.value: {"description": text, "content": {"application/json": {"model": ErrorBody}}}}


def _implied(operation: dict[str, Any]) -> set[HTTPStatus]:
    """The errors any operation of this shape can answer, whatever its route does."""
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    # Every operation refuses a query parameter it does not take (functions.api.limits.check_query_names).
    found = {HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.UNPROCESSABLE_ENTITY}
    if has_body:
        found |= {HTTPStatus.BAD_REQUEST, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, HTTPStatus.UNSUPPORTED_MEDIA_TYPE}
    if any(p["in"] == "path" for p in parameters):
        found.add(HTTPStatus.NOT_FOUND)
    if any(p["in"] == "query" and p["name"] == "next" for p in parameters):
        found.add(HTTPStatus.BAD_REQUEST)
    for requirement in operation.get("security", []):
        if "staff" in requirement:
            found |= {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN}
        if "partner" in requirement:
            found.add(HTTPStatus.FORBIDDEN)
    return found


def _error_content(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }


def documented(schema: "OpenAPI") -> "OpenAPI":
    """`schema` with every /v1 operation listing the errors it can answer, in the ErrorBody shape.

    Open311 operations declare theirs at their routes (open311._route), in Open311's own error shape."""
    document = schema.model_dump(by_alias=True, exclude_none=True, mode="json")
    for path, item in document["paths"].items():
        for operation in item.values():
            responses = {str(status): response for status, response in operation["responses"].items()}
            if POWERTOOLS_422 in json.dumps(responses.get("422")):
                del responses["422"]
            for status in _implied(operation) if path.startswith("/v1/") else ():
                responses.setdefault(str(status.value), _error_content(ERRORS[status]))
            operation["responses"] = dict(sorted(responses.items()))
    schemas = document["components"]["schemas"]
    error_body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update({**error_body.pop("$defs"), "ErrorBody": error_body})
    if POWERTOOLS_422 not in json.dumps(document["paths"]):
        del schemas["HTTPValidationError"], schemas["ValidationError"]
    document["components"]["schemas"] = dict(sorted(schemas.items()))
    from aws_lambda_powertools.event_handler.openapi.models import OpenAPI  # the document only: see functions/api/docs

    return OpenAPI.model_validate(document)

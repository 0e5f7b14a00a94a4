"""Every failure becomes `{"error": {"code", "message", "fields"?}}` with one status, decided here."""

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from hotline.domain.errors import (
    Conflict,
    Forbidden,
    HotlineError,
    InvalidInput,
    InvalidPageToken,
    NotFound,
    Unauthenticated,
)

from functions.api.schemas import ErrorBody, ErrorDetail, ErrorField

logger = Logger()

STATUS_OF: dict[type[HotlineError], HTTPStatus] = {
    InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    InvalidPageToken: HTTPStatus.BAD_REQUEST,
    NotFound: HTTPStatus.NOT_FOUND,
    Unauthenticated: HTTPStatus.UNAUTHORIZED,
    Forbidden: HTTPStatus.FORBIDDEN,
    Conflict: HTTPStatus.CONFLICT,
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
    kinds = {problem.get("type") for problem in problems}
    if "json_invalid" in kinds:
        return error_response(HTTPStatus.BAD_REQUEST, "malformed_json", "the request body is not valid JSON")
    fields = [ErrorField(field=_field_name(tuple(p.get("loc", ()))), problem=str(p.get("msg"))) for p in problems]
    return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_input", "the request has invalid values", fields)


def _route_exists_for_other_method(app: APIGatewayRestResolver, path: str) -> bool:
    routes = getattr(app, "_static_routes", []) + getattr(app, "_dynamic_routes", [])
    return any(route.rule.match(path) for route in routes)


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
        return _validation_response(error)

    @app.exception_handler(RequestUnsupportedContentType)
    def unsupported_media(_: RequestUnsupportedContentType) -> Response[Any]:
        return error_response(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send the body as application/json"
        )

    @app.exception_handler(IdempotencyValidationError)
    def key_reused(_: IdempotencyValidationError) -> Response[Any]:
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was already used with a different body",
            [ErrorField(field="Idempotency-Key", problem="already used for another request")],
        )

    @app.exception_handler(IdempotencyAlreadyInProgressError)
    def still_running(_: IdempotencyAlreadyInProgressError) -> Response[Any]:
        return error_response(
            HTTPStatus.CONFLICT, "request_in_progress", "the first request with this Idempotency-Key is still running"
        )

    @app.not_found
    def unknown_route(_: NotFoundError) -> Response[Any]:
        path = app.current_event.path
        if _route_exists_for_other_method(app, path):
            return error_response(
                HTTPStatus.METHOD_NOT_ALLOWED,
                "method_not_allowed",
                f"{app.current_event.http_method} is not allowed here",
            )
        return error_response(HTTPStatus.NOT_FOUND, "not_found", f"no route for {path}")

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response[Any]:
        logger.exception("unhandled error")
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "something went wrong on our side")

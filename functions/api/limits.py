"""Request limits enforced before the resolver parses anything."""

from http import HTTPStatus
from typing import Any

from functions.api.schemas import ErrorBody, ErrorDetail

MAX_BODY_BYTES = 64 * 1024
"""Ample for 4,000 Chinese characters of description plus every other field."""


def oversize_body(event: dict[str, Any]) -> dict[str, Any] | None:
    """The 413 proxy response for a body over MAX_BODY_BYTES, else None."""
    body = event.get("body") or ""
    if len(body.encode()) <= MAX_BODY_BYTES:
        return None
    error = ErrorDetail(code="payload_too_large", message=f"the body exceeds {MAX_BODY_BYTES} bytes")
    return {
        "statusCode": HTTPStatus.REQUEST_ENTITY_TOO_LARGE.value,
        "headers": {"Content-Type": "application/json"},
        "body": ErrorBody(error=error).model_dump_json(exclude_none=True),
        "isBase64Encoded": False,
    }

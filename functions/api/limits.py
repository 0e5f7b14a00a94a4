"""Request limits: the body size before the resolver runs, what a JSON body must be before it is validated, and
the query parameters a route takes."""

import base64
import binascii
import json
from http import HTTPStatus
from typing import Any, NoReturn

from aws_lambda_powertools.event_handler.api_gateway import Route
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent
from hotline.domain.base.errors import FieldProblem, HotlineError, InvalidInput

from functions.api.refusals import open311_refusal
from functions.api.schemas.errors import ErrorBody, ErrorDetail

MAX_BODY_BYTES = 64 * 1024
"""Ample for 4,000 Chinese characters of description plus every other field."""
MAX_DEPTH = 32
"""Nesting levels of a JSON body; the deepest request body needs 4."""
JSON_STARTS = frozenset('{["-0123456789tfn')
"""The characters a JSON text can begin with: any other body is not JSON at all (415), not broken JSON (400)."""


class MalformedBody(HotlineError):
    """A JSON body the API will not parse: broken syntax, or beyond the parser's limits (HTTP 400)."""

    code = "malformed_json"


class UnsupportedMediaType(HotlineError):
    """A body that is not UTF-8 JSON (HTTP 415)."""

    code = "unsupported_media_type"


def oversize_body(event: dict[str, Any]) -> dict[str, Any] | None:
    """The 413 proxy response for a body over MAX_BODY_BYTES, else None."""
    body = event.get("body") or ""
    if len(body.encode()) <= MAX_BODY_BYTES:
        return None
    message = f"the body exceeds {MAX_BODY_BYTES} bytes"
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    as_open311 = open311_refusal(event.get("path") or "", status, message)
    if as_open311 is not None:
        content_type, text = as_open311.headers["Content-Type"], str(as_open311.body)
    else:
        error = ErrorDetail(code="payload_too_large", message=message)
        content_type, text = "application/json", ErrorBody(error=error).model_dump_json(exclude_none=True)
    return {
        "statusCode": status.value,
        "headers": {"Content-Type": content_type},
        "body": text,
        "isBase64Encoded": False,
    }


def _not_json(detail: str) -> NoReturn:
    raise UnsupportedMediaType(f"send the body as UTF-8 JSON with Content-Type: application/json ({detail})")


def _is_json_media_type(content_type: str) -> bool:
    media_type, *parameters = (part.strip().lower() for part in content_type.split(";"))
    kind, _, subtype = media_type.partition("/")
    if kind != "application" or not (subtype == "json" or subtype.endswith("+json")):
        return False
    charsets = [p.partition("=")[2].strip('"') for p in parameters if p.startswith("charset=")]
    return all(charset in {"utf-8", "utf8"} for charset in charsets)


def _refuse_constant(name: str) -> NoReturn:
    raise MalformedBody(f"{name} is not a JSON number")


def _check_values(value: Any) -> None:
    """Depth and text checks without recursion (the parser's own recursion is what fails on deep bodies)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list) and depth > MAX_DEPTH:
            raise MalformedBody(f"the JSON is nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            pending.extend((key, depth) for key in item)
            pending.extend((inner, depth + 1) for inner in item.values())
        elif isinstance(item, list):
            pending.extend((inner, depth + 1) for inner in item)
        elif isinstance(item, str):
            try:
                item.encode()
            except UnicodeEncodeError:
                raise MalformedBody("a string holds an unpaired surrogate escape (\\ud800–\\udfff)") from None


def check_json_body(event: BaseProxyEvent) -> None:
    """Refuse a body the route could not read as JSON: 415 when it is not UTF-8 JSON, 400 when it is broken.

    An empty body is left to validation (422 naming the missing body)."""
    raw = event.body or ""
    if not raw:
        return
    try:
        data = base64.b64decode(raw, validate=True) if event.is_base64_encoded else raw.encode(errors="surrogatepass")
    except binascii.Error:
        _not_json("the body is not valid base64")
    if not _is_json_media_type(event.headers.get("content-type") or ""):
        _not_json("Content-Type is missing or not application/json with charset utf-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _not_json("the body is not UTF-8")
    if text.lstrip()[:1] not in JSON_STARTS:
        _not_json("the body is not JSON")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise MalformedBody(f"the JSON is nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        raise MalformedBody(f"the body is not valid JSON: {error.msg} at character {error.pos}") from None
    except ValueError:  # the interpreter's limit on digits in an int (4,300)
        raise MalformedBody("a number in the body has too many digits") from None
    _check_values(value)


def check_query_names(route: Route, event: BaseProxyEvent) -> None:
    """Refuse a query parameter the route does not declare (422 naming it): a misspelt or unsupported filter would
    otherwise be ignored, and the caller would take an unfiltered listing for a filtered one."""
    declared = {param.alias for param in route.dependant.query_params}
    unknown = sorted(set(event.resolved_query_string_parameters or {}) - declared)
    if unknown:
        problems = [FieldProblem(name, "unknown query parameter") for name in unknown]
        raise InvalidInput(f"unknown query parameter: {', '.join(unknown)}", problems)

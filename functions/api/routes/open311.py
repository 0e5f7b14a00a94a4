"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under /open311/v2/, in JSON and XML.

This module is the protocol: routes per format, the form, JSON and XML rendering and Open311's error list.
What a service or a request is, who sees what, the submission's mapping to a ticket and the listing's
window and filters are the domain's (hotline.domain.intake.open311). Every failure answers Open311's own
error list, never the `{"error": …}` shape of /v1: errors are caught in `_open311` below, and what fails
before a route runs (an unknown path or method, a body too large) is answered through `refusal`.

Each resource is a route per format (`_route`) that documents what it answers in docs/openapi.json; the
answers are built from the models in functions/api/schemas/open311.py, so what is sent is what is documented.
"""

import base64
import binascii
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.base.errors import Forbidden, HotlineError, InvalidInput, NotFound, Unauthenticated
from hotline.domain.intake.open311 import RequestQuery
from hotline.services import api_services
from pydantic import BaseModel, ValidationError

from functions.api.schemas.errors import ErrorBody
from functions.api.schemas.open311 import (
    Open311Discovery,
    Open311Endpoint,
    Open311Error,
    Open311Errors,
    Open311Receipt,
    Open311Receipts,
    Open311Request,
    Open311Requests,
    Open311Service,
    Open311ServiceDefinition,
    Open311Services,
    Open311Token,
    Open311Tokens,
)

router = APIGatewayRouter()

PREFIX = "/open311/v2"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
XML_UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry (control characters a submitter may have typed)."""
TAGS = ["open311"]
CHANGESET = "2026-01-01T00:00:00+00:00"


# -- rendering ----------------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(element, key, inner)
    elif isinstance(value, list):
        child = name[:-1] if name.endswith("s") else "item"  # attributes/attribute, formats/format, …
        for inner in value:
            _xml_value(element, child, inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = XML_UNSAFE.sub("", str(value))


def _render(fmt: str, root: str, item: str | None, answer: BaseModel, status: int = 200) -> Response[str]:
    """A list renders as a JSON array and as <root><item>…</item>…</root>; an object as itself / <root>."""
    payload = answer.model_dump(mode="json", exclude_unset=True)
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False)
    else:
        element = ET.Element(root)
        rows = payload if isinstance(payload, list) else [payload]
        for row in rows:
            target = ET.SubElement(element, item) if item else element
            for key, value in row.items():
                _xml_value(target, key, value)
        body = '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="unicode")
    return Response(status_code=status, content_type=FORMATS[fmt], body=body)


def _error(fmt: str, status: int, description: str) -> Response[str]:
    return _render(fmt, "errors", "error", Open311Errors([Open311Error(code=status, description=description)]), status)


def refusal(path: str, status: int, description: str) -> Response[str] | None:
    """Open311's error shape for what fails before an Open311 route runs (an unknown path or method, a body
    too large), in the format the path names; None outside /open311."""
    return _error(_fmt_of(path), status, description) if path.startswith(f"{PREFIX}/") else None


def _fmt_of(path: str) -> str:
    suffix = path.rpartition(".")[2]
    return suffix if suffix in FORMATS else "json"


def _format() -> str:
    """The format the request's path ends in (each route serves one)."""
    return _fmt_of(router.current_event.path)


def _requests(rows: list[Open311Request]) -> Response[str]:
    return _render(_format(), "service_requests", "request", Open311Requests(rows))


def _open311(handler: Callable[..., Response[str]]) -> Callable[..., Response[str]]:
    """Open311's error shape for every failure of these routes (the /v1 handlers in errors.py never see them):
    403 for who may not, 404 for what is not there, 400 for anything else wrong with the request."""

    @wraps(handler)
    def wrapper(**params: Any) -> Response[str]:
        path = router.current_event.path
        fmt = _fmt_of(path)
        if not path.endswith(f".{fmt}"):  # a "." in a route's rule matches any character: …/requests/json
            return _error(fmt, 404, f"no route for {path}")
        try:
            return handler(**params)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            return _error(fmt, 400, problems or "invalid values")
        except (Forbidden, Unauthenticated) as error:
            return _error(fmt, 403, error.message)
        except NotFound as error:
            return _error(fmt, 404, error.message)
        except HotlineError as error:
            fields = "; ".join(f"{f.field}: {f.problem}" for f in getattr(error, "fields", []))
            return _error(fmt, 400, f"{error.message} ({fields})" if fields else error.message)

    return wrapper


THROTTLED = (
    "Throttled by the gateway (the Open311 routes' own rate) or the firewall's per-address rule: both answer "
    "before Open311 runs, so in the /v1 error shape, in JSON whatever the format"
)


def _responses(
    fmt: str, success: tuple[int, str, type[BaseModel]], errors: dict[int, str]
) -> dict[int, OpenAPIResponse]:
    """The answers of one route in one format: JSON bodies by their model, XML as text."""

    def content(model: type[BaseModel]) -> dict[str, Any]:
        return {"application/json": {"model": model}} if fmt == "json" else {"text/xml": {"schema": {"type": "string"}}}

    status, description, model = success
    answers: dict[int, OpenAPIResponse] = {status: {"description": description, "content": content(model)}}
    for code, text in errors.items():
        answers[code] = {"description": text, "content": content(Open311Errors)}
    answers[429] = {"description": THROTTLED, "content": {"application/json": {"model": ErrorBody}}}
    return answers


def _route(
    method: str,
    resource: str,
    summary: str,
    success: tuple[int, str, type[BaseModel]],
    errors: dict[int, str],
    form: dict[str, Any] | None = None,
) -> Callable[[Callable[..., Response[str]]], Callable[..., Response[str]]]:
    """Serve `handler` at /open311/v2/<resource>.json and .xml; `form` is the schema of a form body."""

    # The handler reads a form itself, strictly (`_form`): Powertools only documents it.
    body = {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": form}}}

    def register(handler: Callable[..., Response[str]]) -> Callable[..., Response[str]]:
        wrapped = _open311(handler)
        for fmt in FORMATS:
            router.route(
                f"{PREFIX}/{resource}.{fmt}",
                method,
                summary=f"Open311: {summary} ({fmt.upper()})",
                tags=TAGS,
                responses=_responses(fmt, success, errors),
                openapi_extensions={"requestBody": body} if form else None,
            )(wrapped)
        return wrapped

    return register


# -- the form -----------------------------------------------------------------------------------------


def _form() -> dict[str, str]:
    """The form, read strictly as UTF-8 (GeoReport v2 is UTF-8): a body in another encoding is a 400."""
    event = router.current_event
    content_type = (event.headers.get("content-type") or event.headers.get("Content-Type") or "").lower()
    media_type, *parameters = (part.strip() for part in content_type.split(";"))
    if media_type != "application/x-www-form-urlencoded":
        raise InvalidInput("send the request as application/x-www-form-urlencoded")
    if {p.partition("=")[2].strip('"') for p in parameters if p.startswith("charset=")} - {"utf-8", "utf8"}:
        raise InvalidInput("send the form in UTF-8 (charset=utf-8)")
    body = event.body or ""
    try:
        raw = base64.b64decode(body, validate=True) if event.is_base64_encoded else body.encode()
        pairs = parse_qsl(raw.decode(), keep_blank_values=True, encoding="utf-8", errors="strict")
    except binascii.Error:
        raise InvalidInput("the body is not valid base64") from None
    except UnicodeError:  # raw bytes or %-escapes that are not UTF-8 (latin-1, UTF-16 …)
        raise InvalidInput("the form is not UTF-8: send it, and its %-escapes, in UTF-8") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key.endswith("[]") and key in form:  # attribute[code][]=a&attribute[code][]=b
            form[key] = f"{form[key]}, {value}"
        else:
            form.setdefault(key, value)
    return form


# -- routes -------------------------------------------------------------------------------------------

ApiKey = Annotated[
    str | None,
    Query(description="A partner's API key: its own requests are shown in full. An unknown or revoked key is a 403."),
]
SUBMISSION = {
    "type": "object",
    "description": (
        "GeoReport v2's fields in UTF-8; a location is required: `lat` and `long`, or `address_string`. "
        "`attribute[code]=value` pairs are appended to the description."
    ),
    "required": ["service_code"],
    "properties": {
        "api_key": {"type": "string", "description": "The partner's API key (or the `api_key` query parameter)"},
        "service_code": {"type": "string", "description": "A `service_code` of services", "examples": ["urban.noise"]},
        "lat": {"type": "number", "minimum": -90, "maximum": 90, "examples": [39.9087]},
        "long": {"type": "number", "minimum": -180, "maximum": 180, "examples": [116.4605]},
        "address_string": {"type": "string"},
        "description": {"type": "string", "maxLength": 4000},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "phone": {"type": "string"},
        "media_url": {"type": "string", "description": "An https link to a picture"},
    },
}


def _discovery() -> Open311Discovery:
    event = router.current_event
    host = event.headers.get("host") or event.headers.get("Host") or event.request_context.domain_name
    proto = event.headers.get("x-forwarded-proto") or event.headers.get("X-Forwarded-Proto") or "https"
    stage = event.request_context.stage
    prefix = f"/{stage}" if stage and event.request_context.path.startswith(f"/{stage}/") else ""
    endpoint = Open311Endpoint(
        specification="http://wiki.open311.org/GeoReport_v2",
        url=f"{proto}://{host}{prefix}{PREFIX}",
        changeset=CHANGESET,
        type="production",
        formats=["application/json", "text/xml"],
    )
    return Open311Discovery(
        changeset=CHANGESET,
        contact="The hotline centre's partner desk",
        key_service="Ask the hotline centre for a partner API key",
        endpoints=[endpoint],
    )


@_route("GET", "discovery", "discovery", (200, "The endpoint, its specification and formats", Open311Discovery), {})
def discovery() -> Response[str]:
    return _render(_format(), "discovery", None, _discovery())


@_route("GET", "services", "the service list", (200, "The catalogue's leaf categories", Open311Services), {})
def service_list() -> Response[str]:
    rows = [Open311Service.of(service) for service in api_services().open311.services()]
    return _render(_format(), "services", "service", Open311Services(rows))


@_route(
    "GET",
    "services/<service_code>",
    "a service definition",
    (200, "The service's definition", Open311ServiceDefinition),
    {404: "No service with this service_code"},
)
def service_definition(
    service_code: Annotated[str, Path(description="A service_code", examples=["urban.noise"])],
) -> Response[str]:
    service = api_services().open311.service(service_code)
    answer = Open311ServiceDefinition(service_code=service.category.code, attributes=[])
    return _render(_format(), "service_definition", None, answer)


@_route(
    "GET",
    "requests",
    "public service requests",
    (200, "Newest first, at most 1000", Open311Requests),
    {
        400: "A date that is not ISO-8601 or leaves the years 1-9999, a window over 90 days or backwards, "
        "a status other than open or closed, more than 50 ids, or a parameter sent more than once",
        403: "An unknown or revoked api_key",
    },
)
def request_list(
    service_request_id: Annotated[
        str | None, Query(description="Comma-separated numbers, at most 50: the other filters are then ignored")
    ] = None,
    service_code: Annotated[str | None, Query(description="Comma-separated service codes")] = None,
    start_date: Annotated[
        str | None, Query(description="ISO-8601 (naive: the centre's time); the window spans at most 90 days")
    ] = None,
    end_date: Annotated[str | None, Query(description="ISO-8601; by default now, or start_date + 90 days")] = None,
    status: Annotated[str | None, Query(description="open or closed, comma-separated")] = None,
    api_key: ApiKey = None,
) -> Response[str]:
    open311 = api_services().open311
    query = RequestQuery(service_request_id, service_code, start_date, end_date, status)
    rows = open311.requests(query, open311.reader(api_key))
    return _requests([Open311Request.of(row) for row in rows])


@_route(
    "GET",
    "requests/<service_request_id>",
    "one service request",
    (200, "The request, in a list of one", Open311Requests),
    {
        400: "api_key sent more than once",
        403: "An unknown or revoked api_key",
        404: "No such request, or not public and not yours",
    },
)
def read_request(
    service_request_id: Annotated[str, Path(description="The ticket number", examples=["2601-000001"])],
    api_key: ApiKey = None,
) -> Response[str]:
    open311 = api_services().open311
    return _requests([Open311Request.of(open311.request(service_request_id, open311.reader(api_key)))])


@_route(
    "GET",
    "tokens/<token>",
    "the request id behind a token",
    (200, "The request id, in a list of one", Open311Tokens),
    {
        400: "api_key sent more than once",
        403: "An unknown or revoked api_key",
        404: "No such request, or not public and not yours",
    },
)
def read_token(
    token: Annotated[str, Path(description="A token: the ticket number", examples=["2601-000001"])],
    api_key: ApiKey = None,
) -> Response[str]:
    # Requests are created at once: the token is the number, visible as the request is.
    open311 = api_services().open311
    row = open311.request(token, open311.reader(api_key))
    answer = Open311Tokens([Open311Token(service_request_id=row.service_request_id, token=token)])
    return _render(_format(), "service_requests", "request", answer)


@_route(
    "POST",
    "requests",
    "submit a service request (form-encoded)",
    (201, "Created: the ticket number, in a list of one", Open311Receipts),
    {
        400: "Not a UTF-8 form, no service_code or location, invalid values, or api_key sent more than once",
        403: "No api_key, or an unknown or revoked one",
        413: "The body exceeds 64 KiB (over API Gateway's 10 MB it is the gateway's 413, in the /v1 shape)",
    },
    form=SUBMISSION,
)
def submit(
    api_key: Annotated[str | None, Query(description="The partner's API key, if not sent as a form field")] = None,
) -> Response[str]:
    form = _form()
    key = form.get("api_key") or api_key
    if not key:
        raise Forbidden("an api_key is required")
    open311 = api_services().open311
    number = open311.submit(open311.partner(key), form).ticket.number
    receipt = Open311Receipt(service_request_id=number, token=number, service_notice=None, account_id=None)
    return _render(_format(), "service_requests", "request", Open311Receipts([receipt]), 201)

"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under /open311/v2/, in JSON and XML.

Services are the catalogue's categories (`service_code` = category code, `group` = the parent's name).
A request is a ticket: `service_request_id` is its number, created at once (so a `token` is that number
too). Submitting needs a partner's API key as the `api_key` form field: API Gateway cannot check a form
field, so the key is looked up here by its SHA-256 hash. Reading is public but shows only public tickets
(hotline.domain.intake.public_reports), coarsened and without anything personal; a partner that sends its
`api_key` sees its own requests in full. Every failure answers Open311's own error list, never the
`{"error": …}` shape of /v1: errors are caught in `_open311` below, and what fails before a route runs
(an unknown path or method, a body too large) is answered through `refusal`.

Each resource is a route per format (`_route`) that documents what it answers in docs/openapi.json; the
answers are built from the models below, so what is sent is what is documented.
"""

import base64
import binascii
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.base.errors import Forbidden, HotlineError, NotFound, Unauthenticated
from hotline.domain.intake.public_reports import PublicReport
from hotline.domain.intake.reads import Shown
from hotline.domain.partners.partner import Partner, api_key_hash, partner_actor
from hotline.domain.tickets.catalog import Catalog, Category, Channel, TicketType
from hotline.domain.tickets.ticket import Attachment, Contact, Location, Status, Ticket, TicketDraft
from hotline.services import services
from hotline.settings import settings
from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from functions.api.schemas import ErrorBody

router = APIGatewayRouter()

PREFIX = "/open311/v2"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 50
"""`service_request_id` values per lookup, read in one batch; more is a 400."""
MAX_READ = 1000
"""Public requests a listing reads (newest first) before it answers with what matched."""
XML_UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry (control characters a submitter may have typed)."""
TAGS = ["open311"]
CHANGESET = "2026-01-01T00:00:00+00:00"


@dataclass
class Refused(Exception):
    status: int
    description: str


# -- answers ------------------------------------------------------------------------------------------


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Open311Error(_Answer):
    code: int = Field(description="The HTTP status")
    description: str


class Open311Errors(RootModel[list[Open311Error]]):
    """Open311's error list (in XML: <errors><error><code/><description/></error></errors>)."""


class Open311Endpoint(_Answer):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Open311Discovery(_Answer):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Open311Endpoint]


class Open311Service(_Answer):
    service_code: str = Field(description="A leaf category's code")
    service_name: str
    description: str
    metadata: Literal[False] = Field(description="No service defines extra attributes")
    type: Literal["realtime"]
    keywords: str
    group: str = Field(description="The parent category's name")


class Open311Services(RootModel[list[Open311Service]]):
    pass


class Open311ServiceDefinition(_Answer):
    service_code: str
    attributes: list[dict[str, Any]] = Field(max_length=0, description="Always empty: no extra attributes")


class Open311Request(_Answer):
    """A public request (coarse place, nothing personal), or in full one that the reading partner sent."""

    service_request_id: str = Field(description="The ticket number")
    status: Literal["open", "closed"]
    status_notes: str | None = Field(description="The latest public note: only on the reading partner's own")
    service_name: str
    service_code: str
    description: str | None = Field(None, description="Only on the reading partner's own requests")
    agency_responsible: str | None = Field(description="The unit's id")
    service_notice: None
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None = Field(description="The open resolve deadline, or the dispatch deadline")
    address: str | None = Field(description="The street only, unless the request is the reading partner's own")
    address_id: None
    zipcode: None
    lat: float | None = Field(description="Rounded to about 100 m, unless the request is the reading partner's own")
    long: float | None
    media_url: str | None = Field(description="The first https attachment: only on the reading partner's own")


class Open311Requests(RootModel[list[Open311Request]]):
    pass


class Open311Token(_Answer):
    service_request_id: str
    token: str


class Open311Tokens(RootModel[list[Open311Token]]):
    pass


class Open311Receipt(_Answer):
    service_request_id: str = Field(description="The new ticket's number")
    token: str = Field(description="The same number: requests are created at once")
    service_notice: None
    account_id: None


class Open311Receipts(RootModel[list[Open311Receipt]]):
    pass


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


def _open311(handler: Callable[..., Response[str]]) -> Callable[..., Response[str]]:
    """Open311's error shape for every failure of these routes (the /v1 handlers in errors.py never see them)."""

    @wraps(handler)
    def wrapper(**params: Any) -> Response[str]:
        path = router.current_event.path
        fmt = _fmt_of(path)
        if not path.endswith(f".{fmt}"):  # a "." in a route's rule matches any character: …/requests/json
            return _error(fmt, 404, f"no route for {path}")
        try:
            return handler(**params)
        except Refused as error:
            return _error(fmt, error.status, error.description)
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


def _w3c(moment: datetime) -> datetime:
    """In the centre's offset, whole seconds: sent as e.g. 2026-11-21T16:00:00+08:00."""
    return moment.astimezone(settings().zone).replace(microsecond=0)


# -- services -----------------------------------------------------------------------------------------


def _services(catalog: Catalog) -> Iterable[tuple[Category, str, frozenset[TicketType] | None]]:
    """Leaf categories with their group (the parent's name; a top-level leaf is its own group)."""
    parents: dict[str, str] = {}
    for node, _ in catalog.walk():
        for child in node.children:
            parents[child.code] = node.name
    for node, allowed in catalog.walk():
        if not node.children:
            yield node, parents.get(node.code, node.name), allowed


def _service_row(category: Category, group: str) -> Open311Service:
    return Open311Service(
        service_code=category.code,
        service_name=category.name,
        description=f"{category.name} ({category.name_zh})",
        metadata=False,
        type="realtime",
        keywords=", ".join(dict.fromkeys([category.name_zh, *category.code.split(".")])),
        group=group,
    )


def _service(code: str) -> tuple[Category, frozenset[TicketType] | None]:
    for category, _, allowed in _services(services().catalog.get()):
        if category.code == code:
            return category, allowed
    raise Refused(404, f"no service with service_code {code!r}")


# -- requests -----------------------------------------------------------------------------------------


def _status(status: Status) -> Literal["open", "closed"]:
    return "closed" if status is Status.CLOSED else "open"


def _row(shown: Shown, names: dict[str, str]) -> Open311Request:
    """A public report: coarse place, nothing personal. The reading partner's own ticket: exact place, its
    description, the public note and media too (contact details never: Open311 has no field for them)."""
    own, report = (shown, PublicReport.of(shown, exact=True)) if isinstance(shown, Ticket) else (None, shown)
    extra: dict[str, Any] = {"description": own.description} if own else {}
    return Open311Request(
        service_request_id=report.number,
        status=_status(report.status),
        status_notes=own.handling.public_note if own else None,
        service_name=names.get(report.category, report.category),
        service_code=report.category,
        **extra,
        agency_responsible=report.unit_id,
        service_notice=None,
        requested_datetime=_w3c(report.received_at),
        updated_datetime=_w3c(report.updated_at),
        expected_datetime=_w3c(report.expected_at) if report.expected_at else None,
        address=report.address,
        address_id=None,
        zipcode=None,
        lat=report.lat,
        long=report.long,
        media_url=next((a.ref for a in own.attachments if a.ref.startswith("https://")), None) if own else None,
    )


def _names() -> dict[str, str]:
    return {node.code: node.name for node, _ in services().catalog.get().walk()}


def _lookup(numbers: list[str], reader: Partner | None) -> list[Shown]:
    return services().public_reads.lookup(numbers, reader, MAX_IDS)


def _one(number: str, reader: Partner | None) -> Shown:
    """A request anyone may see, or the reader's own; any other is as unknown as a number never issued."""
    found = _lookup([number], reader)
    if not found:
        raise Refused(404, f"no service request {number!r}")
    return found[0]


def _date(name: str, text: str | None) -> datetime | None:
    """An ISO-8601 date-time (naive: the centre's time) as UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=settings().zone)).astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-14:00 is in year 10000 in UTC, 0001-01-01T00:00+14:00 in year 0
        raise Refused(400, f"{name} is out of range") from None
    except ValueError:
        raise Refused(400, f"{name} must be an ISO-8601 date-time, e.g. 2026-11-21T08:00:00+08:00") from None


def _window(start_date: str | None, end_date: str | None) -> tuple[datetime, datetime]:
    start, end = _date("start_date", start_date), _date("end_date", end_date)
    try:
        end = end or (start + MAX_SPAN if start else services().intake.clock.now())
        start = start or end - MAX_SPAN
    except OverflowError:
        raise Refused(400, "start_date or end_date leaves no 90-day window within the years 1 to 9999") from None
    if end < start:
        raise Refused(400, "end_date is before start_date")
    if end - start > MAX_SPAN:
        raise Refused(400, "start_date and end_date may span at most 90 days")
    return start, end


def _values(text: str | None) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in (text or "").split(",") if value.strip()))


def _form() -> dict[str, str]:
    """The form, read strictly as UTF-8 (GeoReport v2 is UTF-8): a body in another encoding is a 400."""
    event = router.current_event
    content_type = (event.headers.get("content-type") or event.headers.get("Content-Type") or "").lower()
    media_type, *parameters = (part.strip() for part in content_type.split(";"))
    if media_type != "application/x-www-form-urlencoded":
        raise Refused(400, "send the request as application/x-www-form-urlencoded")
    if {p.partition("=")[2].strip('"') for p in parameters if p.startswith("charset=")} - {"utf-8", "utf8"}:
        raise Refused(400, "send the form in UTF-8 (charset=utf-8)")
    body = event.body or ""
    try:
        raw = base64.b64decode(body, validate=True) if event.is_base64_encoded else body.encode()
        pairs = parse_qsl(raw.decode(), keep_blank_values=True, encoding="utf-8", errors="strict")
    except binascii.Error:
        raise Refused(400, "the body is not valid base64") from None
    except UnicodeError:  # raw bytes or %-escapes that are not UTF-8 (latin-1, UTF-16 …)
        raise Refused(400, "the form is not UTF-8: send it, and its %-escapes, in UTF-8") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key.endswith("[]") and key in form:  # attribute[code][]=a&attribute[code][]=b
            form[key] = f"{form[key]}, {value}"
        else:
            form.setdefault(key, value)
    return form


def _partner_of(key: str) -> Partner:
    partner = services().partners.by_api_key_hash(api_key_hash(key))
    if partner is None:
        raise Refused(403, "this api_key does not belong to an active partner")
    return partner


def _reader(api_key: str | None) -> Partner | None:
    """Who reads: anyone, or a partner naming itself with its api_key (a wrong key is refused, not ignored)."""
    return _partner_of(api_key) if api_key else None


def _float(form: dict[str, str], name: str) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise Refused(400, f"{name} must be a number") from None


def _draft(form: dict[str, str]) -> TicketDraft:
    code = form.get("service_code", "").strip()
    if not code:
        raise Refused(400, "service_code is required")
    try:
        category, allowed = _service(code)
    except Refused:
        raise Refused(400, f"service_code {code!r} is not a service") from None
    lat, long = _float(form, "lat"), _float(form, "long")
    address = form.get("address_string", "").strip() or None
    if (lat is None or long is None) and address is None:
        raise Refused(400, "a location is required: lat and long, or address_string")
    location = Location(address=address, lat=lat, long=long) if lat is not None and long is not None else None
    location = location or Location(address=address)
    attributes = {
        key[len("attribute[") :].split("]", 1)[0]: value
        for key, value in form.items()
        if key.startswith("attribute[") and "]" in key
    }
    description = form.get("description", "").strip() or category.name
    if attributes:
        description += "\n\n" + "\n".join(f"{code}: {value}" for code, value in attributes.items())
    name = " ".join(part for part in (form.get("first_name", "").strip(), form.get("last_name", "").strip()) if part)
    contact_fields = {"name": name or None, "phone": form.get("phone") or None, "email": form.get("email") or None}
    contact = Contact(**contact_fields) if any(contact_fields.values()) else None
    media = form.get("media_url", "").strip()
    ticket_type = TicketType.REQUEST if allowed is None or TicketType.REQUEST in allowed else sorted(allowed)[0]
    return TicketDraft(
        type=ticket_type,
        category=category.code,
        subject=(form.get("description", "").strip() or category.name)[:60],
        description=description,
        location=location,
        contact=contact,
        attachments=[Attachment(ref=media)] if media else [],
    )


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
    rows = [_service_row(c, group) for c, group, _ in _services(services().catalog.get())]
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
    category, _ = _service(service_code)
    answer = Open311ServiceDefinition(service_code=category.code, attributes=[])
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
    reader = _reader(api_key)
    ids = _values(service_request_id)
    if ids:  # the spec: other parameters are ignored when ids are given
        found = _lookup(ids, reader)
    else:
        start, end = _window(start_date, end_date)
        codes, statuses = set(_values(service_code)), set(_values(status))
        if statuses - {"open", "closed"}:
            raise Refused(400, "status must be open or closed")

        def keep(report: PublicReport) -> bool:
            return (not codes or report.category in codes) and (not statuses or _status(report.status) in statuses)

        found = services().public_reads.listing(start, end, keep, reader, limit=MAX_RESULTS, max_read=MAX_READ)
    names = _names()
    return _render(_format(), "service_requests", "request", Open311Requests([_row(s, names) for s in found]))


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
    shown = _one(service_request_id, _reader(api_key))
    return _render(_format(), "service_requests", "request", Open311Requests([_row(shown, _names())]))


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
    shown = _one(token, _reader(api_key))
    answer = Open311Tokens([Open311Token(service_request_id=shown.number, token=token)])
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
        raise Refused(403, "an api_key is required")
    partner = _partner_of(key)
    draft = _draft(form)
    registration = services().intake.register(
        draft, Channel.PARTNER, partner_actor(partner.id), partner_id=partner.id, public=True
    )
    number = registration.ticket.number
    receipt = Open311Receipt(service_request_id=number, token=number, service_notice=None, account_id=None)
    return _render(_format(), "service_requests", "request", Open311Receipts([receipt]), 201)

"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under /open311/v2/, in JSON and XML.

Services are the catalogue's categories (`service_code` = category code, `group` = the parent's name).
A request is a ticket: `service_request_id` is its number, created at once (so a `token` is that number
too). Submitting needs a partner's API key as the `api_key` form field: API Gateway cannot check a form
field, so the key is looked up here by its SHA-256 hash. Reading is public but shows only public tickets
(hotline.domain.public_reports), coarsened and without anything personal; a partner that sends its
`api_key` sees its own requests in full. Every failure answers Open311's own error list, never the
`{"error": …}` shape of /v1: errors are caught in `_open311` below, and what fails before a route runs
(an unknown path or method, a body too large) is answered through `refusal`.
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
from typing import Any
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.catalog import Catalog, Category, Channel, TicketType
from hotline.domain.errors import Forbidden, HotlineError, NotFound, Unauthenticated
from hotline.domain.partners import Partner, api_key_hash, partner_actor
from hotline.domain.public_reports import PublicReport
from hotline.domain.queries import Shown
from hotline.domain.tickets import Attachment, Contact, Location, Status, Ticket, TicketDraft
from hotline.services import services
from hotline.settings import settings
from pydantic import ValidationError

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


@dataclass
class Open311Error(Exception):
    status: int
    description: str


Rows = list[dict[str, Any]]


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


def _render(fmt: str, root: str, item: str | None, payload: Rows | dict[str, Any], status: int = 200) -> Response[str]:
    """A list renders as a JSON array and as <root><item>…</item>…</root>; a dict as one object / <root>."""
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
    return _render(fmt, "errors", "error", [{"code": status, "description": description}], status)


def refusal(path: str, status: int, description: str) -> Response[str] | None:
    """Open311's error shape for what fails before an Open311 route runs (an unknown path or method, a body
    too large), in the format the path names; None outside /open311."""
    return _error(_fmt_of(path), status, description) if path.startswith(f"{PREFIX}/") else None


def _split(resource: str) -> tuple[str, str]:
    """'requests.json' -> ('requests', 'json'); an unknown or missing format is a 404 (answered in JSON)."""
    name, dot, fmt = resource.rpartition(".")
    if not dot or fmt not in FORMATS or not name:
        raise Open311Error(404, f"unknown format: use {PREFIX}/<resource>.json or .xml")
    return name, fmt


def _fmt_of(resource: str) -> str:
    suffix = resource.rpartition(".")[2]
    return suffix if suffix in FORMATS else "json"


def _open311(handler: Callable[[str], Response[str]]) -> Callable[[str], Response[str]]:
    """Open311's error shape for every failure of these routes (the /v1 handlers in errors.py never see them)."""

    @wraps(handler)
    def wrapper(resource: str) -> Response[str]:
        fmt = _fmt_of(resource)
        try:
            return handler(resource)
        except Open311Error as error:
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


def _w3c(moment: datetime | None) -> str | None:
    """ISO-8601 with the centre's offset, e.g. 2026-11-21T16:00:00+08:00."""
    return moment.astimezone(settings().zone).isoformat(timespec="seconds") if moment else None


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


def _service_row(category: Category, group: str) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.name} ({category.name_zh})",
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([category.name_zh, *category.code.split(".")])),
        "group": group,
    }


def _service(code: str) -> tuple[Category, frozenset[TicketType] | None]:
    for category, _, allowed in _services(services().catalog.get()):
        if category.code == code:
            return category, allowed
    raise Open311Error(404, f"no service with service_code {code!r}")


# -- requests -----------------------------------------------------------------------------------------


def _status(status: Status) -> str:
    return "closed" if status is Status.CLOSED else "open"


def _row(shown: Shown, names: dict[str, str]) -> dict[str, Any]:
    """A public report: coarse place, nothing personal. The reading partner's own ticket: exact place, its
    description, the public note and media too (contact details never: Open311 has no field for them)."""
    own, report = (shown, PublicReport.of(shown, exact=True)) if isinstance(shown, Ticket) else (None, shown)
    row: dict[str, Any] = {
        "service_request_id": report.number,
        "status": _status(report.status),
        "status_notes": own.handling.public_note if own else None,
        "service_name": names.get(report.category, report.category),
        "service_code": report.category,
    }
    if own:
        row["description"] = own.description
    row |= {
        "agency_responsible": report.unit_id,
        "service_notice": None,
        "requested_datetime": _w3c(report.received_at),
        "updated_datetime": _w3c(report.updated_at),
        "expected_datetime": _w3c(report.expected_at),
        "address": report.address,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.long,
        "media_url": next((a.ref for a in own.attachments if a.ref.startswith("https://")), None) if own else None,
    }
    return row


def _names() -> dict[str, str]:
    return {node.code: node.name for node, _ in services().catalog.get().walk()}


def _lookup(numbers: list[str], reader: Partner | None) -> list[Shown]:
    return services().public_reads.lookup(numbers, reader, MAX_IDS)


def _one(number: str, reader: Partner | None) -> Shown:
    """A request anyone may see, or the reader's own; any other is as unknown as a number never issued."""
    found = _lookup([number], reader)
    if not found:
        raise Open311Error(404, f"no service request {number!r}")
    return found[0]


def _date(params: dict[str, str], name: str) -> datetime | None:
    """An ISO-8601 date-time (naive: the centre's time) as UTC."""
    text = params.get(name)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=settings().zone)).astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-14:00 is in year 10000 in UTC, 0001-01-01T00:00+14:00 in year 0
        raise Open311Error(400, f"{name} is out of range") from None
    except ValueError:
        raise Open311Error(400, f"{name} must be an ISO-8601 date-time, e.g. 2026-11-21T08:00:00+08:00") from None


def _window(params: dict[str, str]) -> tuple[datetime, datetime]:
    start, end = _date(params, "start_date"), _date(params, "end_date")
    try:
        end = end or (start + MAX_SPAN if start else services().intake.clock.now())
        start = start or end - MAX_SPAN
    except OverflowError:
        raise Open311Error(400, "start_date or end_date leaves no 90-day window within the years 1 to 9999") from None
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may span at most 90 days")
    return start, end


def _values(params: dict[str, str], name: str) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in params.get(name, "").split(",") if value.strip()))


def _listing(params: dict[str, str], reader: Partner | None) -> list[Shown]:
    ids = _values(params, "service_request_id")
    if ids:  # the spec: other parameters are ignored when ids are given
        return _lookup(ids, reader)
    start, end = _window(params)
    codes = set(_values(params, "service_code"))
    statuses = set(_values(params, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed")

    def keep(report: PublicReport) -> bool:
        return (not codes or report.category in codes) and (not statuses or _status(report.status) in statuses)

    return services().public_reads.listing(start, end, keep, reader, limit=MAX_RESULTS, max_read=MAX_READ)


def _form() -> dict[str, str]:
    """The form, read strictly as UTF-8 (GeoReport v2 is UTF-8): a body in another encoding is a 400."""
    event = router.current_event
    content_type = (event.headers.get("content-type") or event.headers.get("Content-Type") or "").lower()
    media_type, *parameters = (part.strip() for part in content_type.split(";"))
    if media_type != "application/x-www-form-urlencoded":
        raise Open311Error(400, "send the request as application/x-www-form-urlencoded")
    if {p.partition("=")[2].strip('"') for p in parameters if p.startswith("charset=")} - {"utf-8", "utf8"}:
        raise Open311Error(400, "send the form in UTF-8 (charset=utf-8)")
    body = event.body or ""
    try:
        raw = base64.b64decode(body, validate=True) if event.is_base64_encoded else body.encode()
        pairs = parse_qsl(raw.decode(), keep_blank_values=True, encoding="utf-8", errors="strict")
    except binascii.Error:
        raise Open311Error(400, "the body is not valid base64") from None
    except UnicodeError:  # raw bytes or %-escapes that are not UTF-8 (latin-1, UTF-16 …)
        raise Open311Error(400, "the form is not UTF-8: send it, and its %-escapes, in UTF-8") from None
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
        raise Open311Error(403, "this api_key does not belong to an active partner")
    return partner


def _reader(params: dict[str, str]) -> Partner | None:
    """Who reads: anyone, or a partner naming itself with its api_key (a wrong key is refused, not ignored)."""
    key = params.get("api_key")
    return _partner_of(key) if key else None


def _partner(form: dict[str, str]) -> Partner:
    key = form.get("api_key") or (router.current_event.query_string_parameters or {}).get("api_key")
    if not key:
        raise Open311Error(403, "an api_key is required")
    return _partner_of(key)


def _float(form: dict[str, str], name: str) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise Open311Error(400, f"{name} must be a number") from None


def _draft(form: dict[str, str]) -> TicketDraft:
    code = form.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    try:
        category, allowed = _service(code)
    except Open311Error:
        raise Open311Error(400, f"service_code {code!r} is not a service") from None
    lat, long = _float(form, "lat"), _float(form, "long")
    address = form.get("address_string", "").strip() or None
    if (lat is None or long is None) and address is None:
        raise Open311Error(400, "a location is required: lat and long, or address_string")
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


def _discovery() -> dict[str, Any]:
    event = router.current_event
    host = event.headers.get("host") or event.headers.get("Host") or event.request_context.domain_name
    proto = event.headers.get("x-forwarded-proto") or event.headers.get("X-Forwarded-Proto") or "https"
    stage = event.request_context.stage
    prefix = f"/{stage}" if stage and event.request_context.path.startswith(f"/{stage}/") else ""
    return {
        "changeset": "2026-01-01T00:00:00+00:00",
        "contact": "The hotline centre's partner desk",
        "key_service": "Ask the hotline centre for a partner API key",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": f"{proto}://{host}{prefix}{PREFIX}",
                "changeset": "2026-01-01T00:00:00+00:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


@router.get(f"{PREFIX}/<resource>", summary="Open311: discovery, services or service requests", tags=TAGS)
@_open311
def read_collection(resource: str) -> Response[str]:
    name, fmt = _split(resource)
    if name == "discovery":
        return _render(fmt, "discovery", None, _discovery())
    if name == "services":
        rows = [_service_row(c, group) for c, group, _ in _services(services().catalog.get())]
        return _render(fmt, "services", "service", rows)
    if name == "requests":
        params = dict(router.current_event.query_string_parameters or {})
        names = _names()
        rows = [_row(shown, names) for shown in _listing(params, _reader(params))]
        return _render(fmt, "service_requests", "request", rows)
    raise Open311Error(404, f"no resource {name!r}")


@router.get(f"{PREFIX}/services/<resource>", summary="Open311: a service definition", tags=TAGS)
@_open311
def service_definition(resource: str) -> Response[str]:
    code, fmt = _split(resource)
    category, _ = _service(code)
    return _render(fmt, "service_definition", None, {"service_code": category.code, "attributes": []})


@router.get(f"{PREFIX}/requests/<resource>", summary="Open311: one service request", tags=TAGS)
@_open311
def read_request(resource: str) -> Response[str]:
    number, fmt = _split(resource)
    shown = _one(number, _reader(dict(router.current_event.query_string_parameters or {})))
    return _render(fmt, "service_requests", "request", [_row(shown, _names())])


@router.get(f"{PREFIX}/tokens/<resource>", summary="Open311: the request id behind a token", tags=TAGS)
@_open311
def read_token(resource: str) -> Response[str]:
    token, fmt = _split(resource)
    # Requests are created at once: the token is the number, visible as the request is.
    shown = _one(token, _reader(dict(router.current_event.query_string_parameters or {})))
    return _render(fmt, "service_requests", "request", [{"service_request_id": shown.number, "token": token}])


@router.post(f"{PREFIX}/<resource>", summary="Open311: submit a service request (form-encoded)", tags=TAGS)
@_open311
def submit(resource: str) -> Response[str]:
    name, fmt = _split(resource)
    if name != "requests":
        raise Open311Error(404, f"no resource {name!r} to post to")
    form = _form()
    partner = _partner(form)
    draft = _draft(form)
    registration = services().intake.register(
        draft, Channel.PARTNER, partner_actor(partner.id), partner_id=partner.id, public=True
    )
    number = registration.ticket.number
    row = {"service_request_id": number, "token": number, "service_notice": None, "account_id": None}
    return _render(fmt, "service_requests", "request", [row], 201)

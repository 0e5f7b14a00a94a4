"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under /open311/v2/, in JSON and XML.

Services are the catalogue's categories (`service_code` = category code, `group` = the parent's name).
A request is a ticket: `service_request_id` is its number, created at once (so a `token` is that number
too). Submitting needs a partner's API key as the `api_key` form field: API Gateway cannot check a form
field, so the key is looked up here by its SHA-256 hash. Reading is public and shows no contact details
and no free text but the staff's public note. Every failure answers Open311's own error list, never the
`{"error": …}` shape of /v1 — errors are caught in `_open311` below, so errors.py stays untouched.
"""

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.catalog import Catalog, Category, Channel, TicketType
from hotline.domain.errors import Forbidden, HotlineError, NotFound, Unauthenticated
from hotline.domain.numbering import is_number
from hotline.domain.paging import MAX_LIMIT, PageRequest
from hotline.domain.partners import Partner, api_key_hash, partner_actor
from hotline.domain.policies import TimerName
from hotline.domain.ports import TicketFilter
from hotline.domain.tickets import Attachment, Contact, Location, Status, Ticket, TicketDraft
from hotline.services import services
from hotline.settings import settings
from pydantic import ValidationError

router = APIGatewayRouter()

PREFIX = "/open311/v2"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
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
        element.text = str(value)


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


def _expected(ticket: Ticket) -> datetime | None:
    for name in (TimerName.RESOLVE, TimerName.DISPATCH):
        timer = ticket.handling.timers.get(name)
        if timer is not None and timer.open:
            return timer.due
    return None


def _request_row(ticket: Ticket, names: dict[str, str]) -> dict[str, Any]:
    """What anyone may read about a ticket: never contact details, the customer's own words or the code."""
    location = ticket.location or Location()
    media = next((a.ref for a in ticket.attachments if a.ref.startswith("https://")), None)
    return {
        "service_request_id": ticket.number,
        "status": "closed" if ticket.status is Status.CLOSED else "open",
        "status_notes": ticket.handling.public_note,
        "service_name": names.get(ticket.category, ticket.category),
        "service_code": ticket.category,
        "agency_responsible": ticket.unit_id,
        "service_notice": None,
        "requested_datetime": _w3c(ticket.received_at),
        "updated_datetime": _w3c(ticket.updated_at),
        "expected_datetime": _w3c(_expected(ticket)),
        "address": location.address,
        "address_id": None,
        "zipcode": None,
        "lat": location.lat,
        "long": location.long,
        "media_url": media,
    }


def _ticket(number: str) -> Ticket:
    ticket = services().queries.tickets.get(number) if is_number(number) else None
    if ticket is None:
        raise Open311Error(404, f"no service request {number!r}")
    return ticket


def _names() -> dict[str, str]:
    return {node.code: node.name for node, _ in services().catalog.get().walk()}


def _date(params: dict[str, str], name: str) -> datetime | None:
    text = params.get(name)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} must be an ISO-8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings().zone)
    return moment


def _listing(params: dict[str, str]) -> list[Ticket]:
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # the spec: other parameters are ignored when ids are given
        found = []
        for number in ids[:MAX_RESULTS]:
            try:
                found.append(_ticket(number))
            except Open311Error:
                continue
        return found
    now = services().intake.clock.now()
    start, end = _date(params, "start_date"), _date(params, "end_date")
    end = end or (start + MAX_SPAN if start else now)
    start = start or end - MAX_SPAN
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may span at most 90 days")
    codes = {c.strip() for c in params.get("service_code", "").split(",") if c.strip()}
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed")
    where = TicketFilter(status=Status.CLOSED) if statuses == {"closed"} else TicketFilter()
    found = []
    token: str | None = None
    while len(found) < MAX_RESULTS:
        page = services().queries.tickets.list(where, PageRequest(limit=MAX_LIMIT, token=token))
        for ticket in page.items:  # newest receipt first
            if ticket.received_at < start:
                return found
            state = "closed" if ticket.status is Status.CLOSED else "open"
            if ticket.received_at > end or (codes and ticket.category not in codes):
                continue
            if statuses and state not in statuses:
                continue
            found.append(ticket)
            if len(found) == MAX_RESULTS:
                break
        if page.next is None:
            break
        token = page.next
    return found


def _form() -> dict[str, str]:
    event = router.current_event
    content_type = (event.headers.get("content-type") or event.headers.get("Content-Type") or "").lower()
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise Open311Error(400, "send the request as application/x-www-form-urlencoded")
    pairs = parse_qsl(event.decoded_body or "", keep_blank_values=True)
    form: dict[str, str] = {}
    for key, value in pairs:
        if key.endswith("[]") and key in form:  # attribute[code][]=a&attribute[code][]=b
            form[key] = f"{form[key]}, {value}"
        else:
            form.setdefault(key, value)
    return form


def _partner(form: dict[str, str]) -> Partner:
    key = form.get("api_key") or (router.current_event.query_string_parameters or {}).get("api_key")
    if not key:
        raise Open311Error(403, "an api_key is required")
    partner = services().partners.by_api_key_hash(api_key_hash(key))
    if partner is None:
        raise Open311Error(403, "this api_key does not belong to an active partner")
    return partner


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
        return _render(fmt, "service_requests", "request", [_request_row(t, names) for t in _listing(params)])
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
    ticket = _ticket(number)
    return _render(fmt, "service_requests", "request", [_request_row(ticket, _names())])


@router.get(f"{PREFIX}/tokens/<resource>", summary="Open311: the request id behind a token", tags=TAGS)
@_open311
def read_token(resource: str) -> Response[str]:
    token, fmt = _split(resource)
    ticket = _ticket(token)  # requests are created at once: the token is the number
    return _render(fmt, "service_requests", "request", [{"service_request_id": ticket.number, "token": token}])


@router.post(f"{PREFIX}/<resource>", summary="Open311: submit a service request (form-encoded)", tags=TAGS)
@_open311
def submit(resource: str) -> Response[str]:
    name, fmt = _split(resource)
    if name != "requests":
        raise Open311Error(404, f"no resource {name!r} to post to")
    form = _form()
    partner = _partner(form)
    draft = _draft(form)
    registration = services().intake.register(draft, Channel.PARTNER, partner_actor(partner.id), partner_id=partner.id)
    number = registration.ticket.number
    row = {"service_request_id": number, "token": number, "service_notice": None, "account_id": None}
    return _render(fmt, "service_requests", "request", [row], 201)

"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) in the domain's terms; JSON, XML and Open311's
error list are the API's (functions/api/routes/open311.py).

Services are the catalogue's leaf categories (`service_code` = category code, `group` = the parent's name).
A service request is a ticket, its `service_request_id` the number. Submitting needs a partner's API key,
sent as a form field that API Gateway cannot check: the partner is found by the key's hash, and what it
submits is public. Reading is public but shows only public tickets, as public reports (coarse place,
nothing personal); a partner that names itself with its key sees its own requests in full. A listing reads
at most MAX_READ public tickets of a window of at most 90 days.

Errors are the domain's: InvalidInput (always without fields: Open311 answers only a description),
Forbidden and NotFound; a pydantic ValidationError for values a ticket cannot hold.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import Forbidden, InvalidInput, NotFound
from hotline.domain.intake.intake import Intake, Registration
from hotline.domain.intake.public_reports import PublicReport
from hotline.domain.intake.reads import PublicReads, Shown
from hotline.domain.partners.partner import Partner, api_key_hash, partner_actor
from hotline.domain.partners.ports import PartnerRepository
from hotline.domain.tickets.catalog import Catalog, Category, Channel, TicketType
from hotline.domain.tickets.ports import CatalogRepository
from hotline.domain.tickets.ticket import Attachment, Contact, Location, Status, Ticket, TicketDraft

MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 50
"""`service_request_id` values per lookup, read in one batch; more is refused."""
MAX_READ = 1000
"""Public requests a listing reads (newest first) before it answers with what matched."""

RequestStatus = Literal["open", "closed"]


@dataclass(frozen=True)
class Service:
    category: Category
    group: str
    """The parent category's name (a top-level leaf is its own group)."""
    allowed: frozenset[TicketType] | None
    """The ticket types the category may be used for (None: all)."""


@dataclass(frozen=True)
class RequestRow:
    """One service request as Open311 shows it: a public report, or the reading partner's own ticket in full."""

    service_request_id: str
    status: RequestStatus
    status_notes: str | None
    service_name: str
    service_code: str
    description: str | None
    """Only on the reading partner's own requests; None leaves the field out."""
    agency_responsible: str | None
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    address: str | None
    lat: float | None
    long: float | None
    media_url: str | None


@dataclass(frozen=True)
class RequestQuery:
    """A listing's parameters as sent: comma-separated values, ISO-8601 text (naive: the centre's time)."""

    service_request_id: str | None = None
    """Numbers: when given, the other parameters are ignored (the specification says so)."""
    service_code: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    status: str | None = None


# -- pure mapping -------------------------------------------------------------------------------------


def services(catalog: Catalog) -> list[Service]:
    """The leaf categories with their group, in catalogue order."""
    parents: dict[str, str] = {}
    for node, _ in catalog.walk():
        for child in node.children:
            parents[child.code] = node.name
    return [
        Service(node, parents.get(node.code, node.name), allowed)
        for node, allowed in catalog.walk()
        if not node.children
    ]


def service(catalog: Catalog, code: str) -> Service:
    for found in services(catalog):
        if found.category.code == code:
            return found
    raise NotFound(f"no service with service_code {code!r}")


def request_status(status: Status) -> RequestStatus:
    return "closed" if status is Status.CLOSED else "open"


def request_row(shown: Shown, names: Mapping[str, str], zone: ZoneInfo) -> RequestRow:
    """A public report: coarse place, nothing personal. The reading partner's own ticket: exact place, its
    description, the public note and media too (contact details never: Open311 has no field for them).
    Times are in `zone` (the centre's), whole seconds."""
    own, report = (shown, PublicReport.of(shown, exact=True)) if isinstance(shown, Ticket) else (None, shown)

    def w3c(moment: datetime) -> datetime:
        return moment.astimezone(zone).replace(microsecond=0)

    return RequestRow(
        service_request_id=report.number,
        status=request_status(report.status),
        status_notes=own.handling.public_note if own else None,
        service_name=names.get(report.category, report.category),
        service_code=report.category,
        description=own.description if own else None,
        agency_responsible=report.unit_id,
        requested_datetime=w3c(report.received_at),
        updated_datetime=w3c(report.updated_at),
        expected_datetime=w3c(report.expected_at) if report.expected_at else None,
        address=report.address,
        lat=report.lat,
        long=report.long,
        media_url=next((a.ref for a in own.attachments if a.ref.startswith("https://")), None) if own else None,
    )


def draft(form: Mapping[str, str], catalog: Catalog) -> TicketDraft:
    """A ticket from GeoReport v2's submission fields; `attribute[code]=value` pairs join the description."""
    code = form.get("service_code", "").strip()
    if not code:
        raise InvalidInput("service_code is required")
    try:
        found = service(catalog, code)
    except NotFound:
        raise InvalidInput(f"service_code {code!r} is not a service") from None
    category, allowed = found.category, found.allowed
    text = form.get("description", "").strip() or category.name
    media = form.get("media_url", "").strip()
    return TicketDraft(
        type=TicketType.REQUEST if allowed is None or TicketType.REQUEST in allowed else sorted(allowed)[0],
        category=category.code,
        subject=text[:60],
        description=text + _attributes(form),
        location=_location(form),
        contact=_contact(form),
        attachments=[Attachment(ref=media)] if media else [],
    )


def _location(form: Mapping[str, str]) -> Location:
    """`lat` and `long` (with the address, if any), or `address_string` alone."""
    lat, long = _float(form, "lat"), _float(form, "long")
    address = form.get("address_string", "").strip() or None
    if lat is not None and long is not None:
        return Location(address=address, lat=lat, long=long)
    if address is None:
        raise InvalidInput("a location is required: lat and long, or address_string")
    return Location(address=address)


def _attributes(form: Mapping[str, str]) -> str:
    """`attribute[code]=value` pairs as lines to append to the description ("" without any)."""
    attributes = {
        key[len("attribute[") :].split("]", 1)[0]: value
        for key, value in form.items()
        if key.startswith("attribute[") and "]" in key
    }
    return "\n\n" + "\n".join(f"{code}: {value}" for code, value in attributes.items()) if attributes else ""


def _contact(form: Mapping[str, str]) -> Contact | None:
    name = " ".join(part for part in (form.get("first_name", "").strip(), form.get("last_name", "").strip()) if part)
    fields = {"name": name or None, "phone": form.get("phone") or None, "email": form.get("email") or None}
    return Contact(**fields) if any(fields.values()) else None


def window(start_date: str | None, end_date: str | None, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The listing's window in UTC: by default the 90 days up to now, or from start_date; at most 90 days."""
    start, end = _date("start_date", start_date, zone), _date("end_date", end_date, zone)
    try:
        end = end or (start + MAX_SPAN if start else now)
        start = start or end - MAX_SPAN
    except OverflowError:
        raise InvalidInput("start_date or end_date leaves no 90-day window within the years 1 to 9999") from None
    if end < start:
        raise InvalidInput("end_date is before start_date")
    if end - start > MAX_SPAN:
        raise InvalidInput("start_date and end_date may span at most 90 days")
    return start, end


def values(text: str | None) -> list[str]:
    """A comma-separated parameter's values, once each, in order."""
    return list(dict.fromkeys(value.strip() for value in (text or "").split(",") if value.strip()))


def _date(name: str, text: str | None, zone: ZoneInfo) -> datetime | None:
    """An ISO-8601 date-time (naive: the centre's time) as UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-14:00 is in year 10000 in UTC, 0001-01-01T00:00+14:00 in year 0
        raise InvalidInput(f"{name} is out of range") from None
    except ValueError:
        raise InvalidInput(f"{name} must be an ISO-8601 date-time, e.g. 2026-11-21T08:00:00+08:00") from None


def _float(form: Mapping[str, str], name: str) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a number") from None


# -- the service --------------------------------------------------------------------------------------


@dataclass
class Open311:
    catalog: CatalogRepository
    partners: PartnerRepository
    reads: PublicReads
    intake: Intake
    clock: Clock
    zone: ZoneInfo
    """The centre's: naive dates in queries are in it, and answers give times in it."""

    def services(self) -> list[Service]:
        return services(self.catalog.get())

    def service(self, code: str) -> Service:
        return service(self.catalog.get(), code)

    def partner(self, api_key: str) -> Partner:
        """The active partner this key belongs to."""
        partner = self.partners.by_api_key_hash(api_key_hash(api_key))
        if partner is None:
            raise Forbidden("this api_key does not belong to an active partner")
        return partner

    def reader(self, api_key: str | None) -> Partner | None:
        """Who reads: anyone, or a partner naming itself with its key (a wrong key is refused, not ignored)."""
        return self.partner(api_key) if api_key else None

    def submit(self, partner: Partner, form: Mapping[str, str]) -> Registration:
        """Register the form's request as the partner's ticket, public (Open311 is a public map by nature)."""
        ticket = draft(form, self.catalog.get())
        return self.intake.register(
            ticket, Channel.PARTNER, partner_actor(partner.id), partner_id=partner.id, public=True, open311=True
        )

    def request(self, number: str, reader: Partner | None) -> RequestRow:
        """A request anyone may see, or the reader's own; any other is as unknown as a number never issued."""
        found = self.reads.lookup([number], reader, MAX_IDS)
        if not found:
            raise NotFound(f"no service request {number!r}")
        return self._rows(found)[0]

    def requests(self, query: RequestQuery, reader: Partner | None) -> list[RequestRow]:
        """The requested numbers (at most MAX_IDS), or public requests received in the window that match the
        service codes and statuses, newest first, at most MAX_RESULTS."""
        numbers = values(query.service_request_id)
        if numbers:
            return self._rows(self.reads.lookup(numbers, reader, MAX_IDS))
        start, end = window(query.start_date, query.end_date, self.clock.now(), self.zone)
        codes, statuses = set(values(query.service_code)), set(values(query.status))
        if statuses - {"open", "closed"}:
            raise InvalidInput("status must be open or closed")

        def keep(report: PublicReport) -> bool:
            return (not codes or report.category in codes) and (
                not statuses or request_status(report.status) in statuses
            )

        found = self.reads.listing(start, end, keep, reader, limit=MAX_RESULTS, max_read=MAX_READ)
        return self._rows(found)

    def _rows(self, found: list[Shown]) -> list[RequestRow]:
        names = {node.code: node.name for node, _ in self.catalog.get().walk()}
        return [request_row(shown, names, self.zone) for shown in found]

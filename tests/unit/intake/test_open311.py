"""Open311 in the domain's terms, over the fakes: services, the submission's ticket, what a request row shows
to whom, and the listing's window, filters and bounds."""

from datetime import UTC, datetime, timedelta

import pytest
from hotline.domain.base.errors import Forbidden, InvalidInput, NotFound
from hotline.domain.intake.open311 import (
    MAX_IDS,
    Open311,
    RequestQuery,
    draft,
    request_row,
    service,
    services,
    window,
)
from hotline.domain.intake.public_reports import PublicReport
from hotline.domain.intake.reads import PublicReads
from hotline.domain.partners.partner import Partner, api_key_hash
from hotline.domain.tickets.catalog import DEFAULT_CATALOG, Channel, TicketType
from hotline.domain.tickets.ticket import Attachment, Contact, Location, Status
from pydantic import ValidationError

from tests.unit.fakes import FakeCatalogRepository, FakePartnerDirectory, FakePublicStore
from tests.unit.ticket_world import SHANGHAI, World, local
from tests.unit.ticket_world import draft as ticket_draft

KEY = "city-app-key"
CITY = Partner(id="city-app", name="City app", api_key_id="key-city", api_key_hash=api_key_hash(KEY))
HOME = "北京市朝阳区建国路88号"
NOISE = {"service_code": "urban.noise", "lat": "39.90872", "long": "116.46048", "description": "Night construction"}


def _open311(world: World) -> Open311:
    partners = FakePartnerDirectory()
    partners.save(CITY)
    reads = PublicReads(FakePublicStore(tickets_by_number=world.store.tickets))
    return Open311(FakeCatalogRepository(), partners, reads, world.intake, world.clock, SHANGHAI)


# -- services -----------------------------------------------------------------------------------------


def test_services_are_the_leaf_categories_with_their_parents_name_as_group() -> None:
    listed = {s.category.code: s for s in services(DEFAULT_CATALOG)}
    assert listed["urban.noise"].group == "Urban management"
    assert listed["other"].group == "Other"  # a top-level leaf is its own group
    assert "urban" not in listed
    assert listed["social.wages"].allowed == {TicketType.COMPLAINT, TicketType.HELP}
    assert service(DEFAULT_CATALOG, "urban.noise").category.name == "Noise"
    with pytest.raises(NotFound, match="no service with service_code 'urban'"):
        service(DEFAULT_CATALOG, "urban")


# -- the submission -----------------------------------------------------------------------------------


def test_a_form_becomes_a_request_ticket_with_attributes_in_the_description() -> None:
    form = {
        **NOISE,
        "description": "工地晚上十一点以后还在施工，噪音很大，影响休息，请相关部门尽快处理，谢谢！" * 2,
        "address_string": HOME,
        "attribute[floor]": "5",
        "attribute[days][]": "Mon, Tue",
        "first_name": "San",
        "last_name": "Zhang",
        "email": "zhang@example.com",
        "media_url": "https://pictures.example/1.jpg",
    }
    ticket = draft(form, DEFAULT_CATALOG)
    assert (ticket.type, ticket.category) == (TicketType.REQUEST, "urban.noise")
    assert ticket.subject == form["description"][:60]
    assert ticket.description == f"{form['description']}\n\nfloor: 5\ndays: Mon, Tue"
    assert ticket.location == Location(address=HOME, lat=39.90872, long=116.46048)
    assert ticket.contact == Contact(name="San Zhang", email="zhang@example.com")
    assert ticket.attachments == [Attachment(ref="https://pictures.example/1.jpg")]


def test_a_bare_form_takes_the_category_name_and_a_type_the_category_allows() -> None:
    ticket = draft({"service_code": "social.wages", "address_string": "幸福小区"}, DEFAULT_CATALOG)
    assert (ticket.subject, ticket.description) == ("Unpaid wages", "Unpaid wages")
    assert ticket.type is TicketType.COMPLAINT  # no `request` here: the first type it allows
    assert ticket.location == Location(address="幸福小区") and ticket.contact is None and not ticket.attachments


@pytest.mark.parametrize(
    ("form", "description"),
    [
        ({"lat": "1", "long": "2"}, "service_code is required"),
        ({**NOISE, "service_code": "urban"}, "service_code 'urban' is not a service"),
        ({**NOISE, "service_code": "nope"}, "service_code 'nope' is not a service"),
        ({"service_code": "urban.noise", "lat": "39.9"}, "a location is required: lat and long, or address_string"),
        ({**NOISE, "lat": "north"}, "lat must be a number"),
    ],
)
def test_a_form_without_what_a_ticket_needs_is_refused_with_open311s_description(
    form: dict[str, str], description: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        draft(form, DEFAULT_CATALOG)
    assert refused.value.message == description and refused.value.fields == []


def test_values_a_ticket_cannot_hold_fail_its_validation() -> None:
    with pytest.raises(ValidationError):
        draft({**NOISE, "lat": "91"}, DEFAULT_CATALOG)
    with pytest.raises(ValidationError):
        draft({**NOISE, "phone": "x"}, DEFAULT_CATALOG)


def test_a_partners_submission_is_a_public_partner_ticket() -> None:
    world = World()
    open311 = _open311(world)
    registration = open311.submit(open311.partner(KEY), NOISE)
    ticket = world.ticket(registration.ticket.number)
    assert (ticket.channel, ticket.partner_id, ticket.public) == (Channel.PARTNER, CITY.id, True)
    assert world.timeline(ticket.number)[0].actor.id == CITY.id


def test_only_an_active_partners_key_is_accepted() -> None:
    world = World()
    open311 = _open311(world)
    assert open311.reader(None) is None and open311.reader(KEY) == CITY
    with pytest.raises(Forbidden, match="does not belong to an active partner"):
        open311.partner("wrong")
    open311.partners.save(CITY.model_copy(update={"active": False}))
    with pytest.raises(Forbidden):
        open311.reader(KEY)


# -- request rows -------------------------------------------------------------------------------------


def _submitted(world: World, **changes: object) -> str:
    """A ticket the city app sent, with a public note and media, changed as told."""
    form = {**NOISE, "address_string": HOME, "media_url": "https://pictures.example/1.jpg", "phone": "13800138000"}
    number = _open311(world).submit(CITY, form).ticket.number
    ticket = world.store.tickets[number]
    handling = ticket.handling.model_copy(update={"public_note": "已转城管"})
    world.store.tickets[number] = ticket.model_copy(update={"handling": handling, **changes})
    return number


def test_anyone_sees_a_coarse_row_and_the_sending_partner_its_own_in_full() -> None:
    world = World()
    world.at(datetime(2026, 9, 30, 2, 0, 0, 123456, tzinfo=UTC))
    number = _submitted(world)
    ticket = world.ticket(number)
    names = {"urban.noise": "Noise"}

    public = request_row(PublicReport.of(ticket), names, SHANGHAI)
    assert (public.address, public.lat, public.long) == ("北京市朝阳区建国路", 39.909, 116.46)
    assert (public.description, public.status_notes, public.media_url) == (None, None, None)
    assert public.requested_datetime.isoformat() == "2026-09-30T10:00:00+08:00"  # the centre's time, whole seconds
    assert (public.service_name, public.status) == ("Noise", "open")

    own = request_row(ticket, names, SHANGHAI)
    assert (own.address, own.lat, own.long) == (HOME, 39.90872, 116.46048)
    assert (own.description, own.status_notes) == ("Night construction", "已转城管")
    assert own.media_url == "https://pictures.example/1.jpg"
    assert "13800138000" not in repr(own)  # Open311 has no field for contact details

    closed = request_row(PublicReport.of(ticket.model_copy(update={"status": Status.CLOSED})), {}, SHANGHAI)
    assert (closed.status, closed.service_name) == ("closed", "urban.noise")  # an unknown code names itself


def test_a_request_is_shown_when_public_or_the_readers_own_and_unknown_otherwise() -> None:
    world = World()
    open311 = _open311(world)
    hidden = _submitted(world, public=False)
    private = world.receive(ticket_draft())
    assert open311.request(hidden, CITY).description == "Night construction"
    for number, reader in ((hidden, None), (private, None), (private, CITY), ("2609-999999", None)):
        with pytest.raises(NotFound, match=f"no service request '{number}'"):
            open311.request(number, reader)


# -- the listing --------------------------------------------------------------------------------------

NOW = local(2026, 9, 30, 10)


def test_the_window_is_the_90_days_up_to_now_unless_dates_say_otherwise() -> None:
    utc_now = NOW.astimezone(UTC)
    assert window(None, None, NOW, SHANGHAI) == (utc_now - timedelta(days=90), utc_now)
    start, end = window("2026-09-01T08:00:00", None, NOW, SHANGHAI)  # naive: the centre's time
    assert (start, end - start) == (datetime(2026, 9, 1, 0, 0, tzinfo=UTC), timedelta(days=90))
    assert window(None, "2026-09-01T00:00:00Z", NOW, SHANGHAI)[0] == datetime(2026, 6, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "description"),
    [
        ("yesterday", None, "start_date must be an ISO-8601 date-time, e.g. 2026-11-21T08:00:00+08:00"),
        (None, "9999-12-31T23:59:00-14:00", "end_date is out of range"),
        ("9999-12-01T00:00:00Z", None, "start_date or end_date leaves no 90-day window within the years 1 to 9999"),
        ("2026-09-02T00:00:00Z", "2026-09-01T00:00:00Z", "end_date is before start_date"),
        ("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", "start_date and end_date may span at most 90 days"),
    ],
)
def test_a_window_that_is_not_one_is_refused(start: str | None, end: str | None, description: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        window(start, end, NOW, SHANGHAI)
    assert refused.value.message == description


def test_a_listing_filters_public_requests_by_service_and_status_newest_first() -> None:
    world = World()
    open311 = _open311(world)
    world.at(NOW - timedelta(days=2))
    noise = _submitted(world)
    world.at(NOW - timedelta(days=1))
    road = _submitted(world, category="transport.road", status=Status.CLOSED)
    world.receive(ticket_draft())  # not public
    world.at(NOW - timedelta(days=100))
    _submitted(world)  # before the window
    world.at(NOW)

    def numbers(**query: str) -> list[str]:
        return [row.service_request_id for row in open311.requests(RequestQuery(**query), None)]

    assert numbers() == [road, noise]
    assert numbers(service_code="urban.noise, transport.bus") == [noise]
    assert numbers(status="closed") == [road]
    assert numbers(status="open,closed", service_code="transport.road") == [road]
    assert numbers(start_date="2026-09-29T00:00:00") == [road]
    with pytest.raises(InvalidInput, match="status must be open or closed"):
        numbers(status="pending")


def test_numbers_override_the_other_filters_and_are_bounded() -> None:
    world = World()
    open311 = _open311(world)
    noise = _submitted(world)
    found = open311.requests(RequestQuery(service_request_id=f"{noise},{noise}", status="closed"), CITY)
    assert [(row.service_request_id, row.address) for row in found] == [(noise, HOME)]
    too_many = ",".join(f"2609-{n:06d}" for n in range(MAX_IDS + 1))
    with pytest.raises(InvalidInput, match=f"at most {MAX_IDS} numbers"):
        open311.requests(RequestQuery(service_request_id=too_many), None)

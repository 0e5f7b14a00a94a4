"""Registering tickets through Intake and reading them back through TicketQueries, over an in-memory store."""

import json
from datetime import UTC, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from hotline.domain.base.errors import Forbidden, InvalidInput, NotFound, TooManyAttempts
from hotline.domain.base.paging import PageRequest
from hotline.domain.customers.access import MAX_WRONG_CODES, WRONG_CODE_WINDOW
from hotline.domain.intake.intake import Intake, Registration
from hotline.domain.intake.reads import TicketQueries
from hotline.domain.partners.partner import Partner
from hotline.domain.staff.roles import Role, StaffMember
from hotline.domain.tickets.catalog import Channel, TicketType
from hotline.domain.tickets.ports import TicketFilter
from hotline.domain.tickets.ticket import Actor, Contact, ExtensionRequest, TicketDraft
from hotline.domain.uploads.uploads import Uploads

from tests.support.clock import FixedClock
from tests.unit.fakes import (
    TEST_PEPPER,
    FakeArticleShelf,
    FakeCatalogRepository,
    FakeCodeAttempts,
    FakeFileStore,
    FakeRunner,
    FakeTicketRepository,
    demo_rules,
)

# 1 December 2026, 01:00 in Shanghai, still 30 November in UTC: numbers are in the centre's month.
START = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
CITIZEN = Actor(role="citizen")
CITY_APP = Partner(id="city-app", name="City app", api_key_id="key-1")
CRM = Partner(id="crm", name="CRM", api_key_id="key-2")


@pytest.fixture
def store() -> FakeTicketRepository:
    return FakeTicketRepository()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def intake(store: FakeTicketRepository, clock: FixedClock) -> Intake:
    ids = count(1)
    return Intake(
        tickets=store,
        catalog=FakeCatalogRepository(),
        clock=clock,
        zone=ZoneInfo("Asia/Shanghai"),
        rules=demo_rules,
        runner=FakeRunner(),
        pepper=TEST_PEPPER,
        new_id=lambda: f"id-{next(ids)}",
        site="https://12345.example.gov.cn",
        articles=FakeArticleShelf(),
        uploads=Uploads(FakeFileStore(), clock),
    )


@pytest.fixture
def queries(store: FakeTicketRepository, clock: FixedClock) -> TicketQueries:
    return TicketQueries(store, TEST_PEPPER, FakeCodeAttempts(), clock, FakeCatalogRepository())


def _draft(
    category: str = "urban.noise", ticket_type: TicketType = TicketType.COMPLAINT, **extra: object
) -> TicketDraft:
    return TicketDraft.model_validate(
        {"type": ticket_type, "category": category, "subject": "噪音", "description": "夜间施工", **extra}
    )


def _staff(*roles: Role, unit_id: str | None = None) -> StaffMember:
    return StaffMember(id="sub", username="wang.wu", roles=frozenset(roles), unit_id=unit_id)


# -- intake -------------------------------------------------------------------------------------------


def test_tickets_are_numbered_in_sequence_within_the_centres_month(intake: Intake, clock: FixedClock) -> None:
    first = intake.register(_draft(), Channel.WEB, CITIZEN)
    second = intake.register(_draft(), Channel.MOBILE, CITIZEN)
    clock.moment = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 1 January 2027 in Shanghai
    next_year = intake.register(_draft(), Channel.WEB, CITIZEN)

    assert [first.ticket.number, second.ticket.number, next_year.ticket.number] == [
        "2612-000001",
        "2612-000002",
        "2701-000001",
    ]


def test_registration_is_received_now_on_its_channel(intake: Intake, store: FakeTicketRepository) -> None:
    registration = intake.register(_draft(), Channel.PHONE, Actor(role="agent", id="li.si"))
    ticket = store.tickets[registration.ticket.number]

    assert ticket == registration.ticket
    assert ticket.status == "received"
    assert ticket.channel is Channel.PHONE
    assert ticket.received_at == ticket.updated_at == START
    assert ticket.subject == "噪音" and ticket.category == "urban.noise"

    (created,) = store.timeline(ticket.number)
    assert created.type == "ticket.created"
    assert created.number == ticket.number
    assert created.actor == Actor(role="agent", id="li.si")
    assert created.at == START
    assert created.data == {"channel": "phone", "type": "complaint", "category": "urban.noise"}


def test_only_the_hash_of_the_access_code_is_stored(intake: Intake, store: FakeTicketRepository) -> None:
    registration = intake.register(_draft(), Channel.WEB, CITIZEN)
    code = registration.access_code
    stored = store.tickets[registration.ticket.number]

    assert len(code) == 8 and code.isdigit()
    assert stored.access_code_hash == TEST_PEPPER.access_code_hash(stored.id, code)
    everything_stored = json.dumps(
        [stored.model_dump(mode="json")] + [e.model_dump(mode="json") for e in store.timeline(stored.number)]
    )
    assert code not in everything_stored


def test_phone_is_indexed_by_hash_whatever_its_spelling(intake: Intake, store: FakeTicketRepository) -> None:
    spelled = intake.register(_draft(contact={"phone": "+86 138-0013-8000"}), Channel.WEB, CITIZEN)
    anonymous = intake.register(_draft(), Channel.WEB, CITIZEN)

    assert store.tickets[spelled.ticket.number].phone_hash == TEST_PEPPER.phone_hash("13800138000")
    assert store.tickets[spelled.ticket.number].contact == Contact(phone="+86 138-0013-8000")
    assert store.tickets[anonymous.ticket.number].phone_hash is None


def test_partner_tickets_carry_the_partner_and_its_reference(intake: Intake) -> None:
    registration = intake.register(_draft(), Channel.PARTNER, CITY_APP.actor, partner_id="city-app", external_ref="A-7")
    assert (registration.ticket.partner_id, registration.ticket.external_ref) == ("city-app", "A-7")


def test_only_centre_staff_register_for_a_customer_and_the_ticket_names_them(
    intake: Intake, store: FakeTicketRepository
) -> None:
    with pytest.raises(Forbidden, match="registering a ticket needs one of the roles"):
        intake.register_for_customer(_staff(Role.UNIT, unit_id="water"), _draft(), Channel.PHONE)
    assert store.tickets == {}
    registration = intake.register_for_customer(_staff(Role.AGENT), _draft(), Channel.LETTER)
    (created,) = store.timeline(registration.ticket.number)
    assert (registration.ticket.channel, created.actor) == (Channel.LETTER, Actor(role="agent", id="wang.wu"))


@pytest.mark.parametrize(
    ("category", "ticket_type", "message"),
    [
        ("urban.nothing", TicketType.COMPLAINT, "'urban.nothing' is not in the catalogue"),
        ("service.policy", TicketType.COMPLAINT, "'service.policy' cannot be used for complaint tickets"),
        ("social.wages", TicketType.PRAISE, "'social.wages' cannot be used for praise tickets"),
    ],
)
def test_a_category_that_does_not_fit_is_refused_and_nothing_is_stored(
    intake: Intake, store: FakeTicketRepository, category: str, ticket_type: TicketType, message: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        intake.register(_draft(category, ticket_type), Channel.WEB, CITIZEN)

    assert [(f.field, f.problem) for f in error.value.fields] == [("category", message)]
    assert store.tickets == {} and store.serials == {}


def test_a_fitting_restricted_category_is_accepted(intake: Intake) -> None:
    registration = intake.register(_draft("service.policy", TicketType.CONSULTATION), Channel.WEB, CITIZEN)
    assert registration.ticket.category == "service.policy"


# -- customers ----------------------------------------------------------------------------------------


def test_customer_reads_the_ticket_and_timeline_with_the_code(intake: Intake, queries: TicketQueries) -> None:
    registration = intake.register(_draft(), Channel.WEB, CITIZEN)
    record = queries.for_customer(registration.ticket.number, registration.access_code)

    assert record.ticket.number == registration.ticket.number
    assert [e.type for e in record.timeline] == ["ticket.created"]


def test_wrong_code_looks_exactly_like_an_unknown_number(intake: Intake, queries: TicketQueries) -> None:
    registration = intake.register(_draft(), Channel.WEB, CITIZEN)
    other = intake.register(_draft(), Channel.WEB, CITIZEN)
    wrong = "00000000" if registration.access_code != "00000000" else "11111111"

    with pytest.raises(NotFound) as wrong_code:
        queries.for_customer(registration.ticket.number, wrong)
    with pytest.raises(NotFound) as someone_elses_code:
        queries.for_customer(registration.ticket.number, other.access_code)
    with pytest.raises(NotFound) as unknown:
        queries.for_customer("2612-999999", registration.access_code)
    assert str(wrong_code.value) == str(someone_elses_code.value) == str(unknown.value)


def test_after_ten_wrong_codes_the_ticket_refuses_every_code_until_the_window_ends(
    intake: Intake, queries: TicketQueries, clock: FixedClock
) -> None:
    registration = intake.register(_draft(), Channel.WEB, CITIZEN)
    number, code = registration.ticket.number, registration.access_code
    wrong = [f"{n:08d}" for n in range(MAX_WRONG_CODES + 1) if f"{n:08d}" != code]
    other = intake.register(_draft(), Channel.WEB, CITIZEN)

    for guess in wrong[:MAX_WRONG_CODES]:
        with pytest.raises(NotFound):
            queries.for_customer(number, guess)
        clock.moment += timedelta(minutes=5)  # ten guesses within the hour
    with pytest.raises(TooManyAttempts):
        queries.for_customer(number, wrong[MAX_WRONG_CODES - 1])
    with pytest.raises(TooManyAttempts):  # the right code too: the answer tells nothing about a code
        queries.for_customer(number, code)
    assert queries.for_customer(other.ticket.number, other.access_code)  # other tickets are not affected

    clock.moment = START + WRONG_CODE_WINDOW  # the window opened with the first wrong code
    assert queries.for_customer(number, code).ticket.number == number


@pytest.mark.parametrize("number", ["", "2612-1", "../2612-000001", "2612-000001 OR 1=1"])
def test_malformed_numbers_are_unknown_without_reaching_storage(
    queries: TicketQueries, store: FakeTicketRepository, number: str
) -> None:
    with pytest.raises(NotFound):
        queries.for_customer(number, "12345678")
    assert store.gets == []


# -- partners -----------------------------------------------------------------------------------------


def _partner_ticket(intake: Intake, partner: Partner) -> Registration:
    return intake.register(_draft(), Channel.PARTNER, partner.actor, partner_id=partner.id)


def test_partner_reads_its_own_tickets_only(intake: Intake, queries: TicketQueries) -> None:
    ours = _partner_ticket(intake, CITY_APP)
    theirs = _partner_ticket(intake, CRM)
    public = intake.register(_draft(), Channel.WEB, CITIZEN)

    assert queries.for_partner(ours.ticket.number, CITY_APP).number == ours.ticket.number
    for number in (theirs.ticket.number, public.ticket.number, "2612-999999"):
        with pytest.raises(NotFound):
            queries.for_partner(number, CITY_APP)


def test_partner_listing_holds_only_its_tickets_changed_since(
    intake: Intake, queries: TicketQueries, clock: FixedClock
) -> None:
    first = _partner_ticket(intake, CITY_APP)
    _partner_ticket(intake, CRM)
    intake.register(_draft(), Channel.WEB, CITIZEN)
    clock.moment = START + timedelta(hours=1)
    later = _partner_ticket(intake, CITY_APP)

    everything = queries.partner_list(CITY_APP, None, PageRequest())
    assert [t.number for t in everything.items] == [first.ticket.number, later.ticket.number]
    since = queries.partner_list(CITY_APP, START, PageRequest())
    assert [t.number for t in since.items] == [later.ticket.number]


# -- staff --------------------------------------------------------------------------------------------


@pytest.fixture
def by_unit(intake: Intake, store: FakeTicketRepository) -> dict[str | None, str]:
    """One ticket for the water unit, one for power, one not dispatched yet: unit -> number."""
    numbers: dict[str | None, str] = {}
    for unit in ("water", "power", None):
        number = intake.register(_draft(), Channel.WEB, CITIZEN).ticket.number
        if unit:
            store.assign(number, unit)
        numbers[unit] = number
    return numbers


def test_unit_listing_is_its_own_inbox_whatever_it_asks_for(
    queries: TicketQueries, by_unit: dict[str | None, str]
) -> None:
    water = _staff(Role.UNIT, unit_id="water")
    for asked in (TicketFilter(), TicketFilter(unit_id="power"), TicketFilter(channel=Channel.WEB)):
        assert [t.number for t in queries.staff_list(water, asked, PageRequest()).items] == [by_unit["water"]]


def test_unit_handler_without_a_unit_lists_nothing(queries: TicketQueries, by_unit: dict[str | None, str]) -> None:
    assert queries.staff_list(_staff(Role.UNIT), TicketFilter(), PageRequest()).items == []


def test_centre_staff_list_everything_and_may_filter_by_unit(
    queries: TicketQueries, by_unit: dict[str | None, str]
) -> None:
    agent = _staff(Role.AGENT)
    everything = queries.staff_list(agent, TicketFilter(), PageRequest())
    assert {t.number for t in everything.items} == set(by_unit.values())
    power = queries.staff_list(agent, TicketFilter(unit_id="power"), PageRequest())
    assert [t.number for t in power.items] == [by_unit["power"]]


def _listed(queries: TicketQueries, staff: StaffMember, where: TicketFilter) -> set[str]:
    return {t.number for t in queries.staff_list(staff, where, PageRequest()).items}


def test_staff_list_one_category_and_an_unknown_one_is_refused_naming_it(
    intake: Intake, queries: TicketQueries
) -> None:
    noise, bus = (
        intake.register(_draft(code), Channel.WEB, CITIZEN).ticket.number for code in ("urban.noise", "transport.bus")
    )
    agent = _staff(Role.AGENT)
    assert _listed(queries, agent, TicketFilter(category="transport.bus")) == {bus}
    assert _listed(queries, agent, TicketFilter(category="urban.noise")) == {noise}
    assert _listed(queries, agent, TicketFilter(category="urban")) == set()  # exactly the category, not its children
    with pytest.raises(InvalidInput) as refused:
        queries.staff_list(agent, TicketFilter(category="urban.nosie"), PageRequest())
    assert [f.field for f in refused.value.fields] == ["category"]


def test_the_extension_and_supervision_queues_hold_only_their_tickets_and_a_unit_sees_its_own(
    queries: TicketQueries, store: FakeTicketRepository, by_unit: dict[str | None, str]
) -> None:
    request = ExtensionRequest(requested_by=Actor(role="unit", id="u1"), requested_at=START, due=START, reason="协调")
    changes: dict[str, dict[str, object]] = {
        "water": {"extension": request},
        "power": {"extension": request, "supervised": True},
    }
    for unit, change in changes.items():
        ticket = store.tickets[by_unit[unit]]
        store.tickets[ticket.number] = ticket.model_copy(update={"handling": ticket.handling.model_copy(update=change)})
    water, power = by_unit["water"], by_unit["power"]

    supervisor = _staff(Role.SUPERVISOR)
    assert _listed(queries, supervisor, TicketFilter(extension_pending=True)) == {water, power}
    assert _listed(queries, supervisor, TicketFilter(supervised=True)) == {power}
    assert _listed(queries, supervisor, TicketFilter(extension_pending=True, supervised=True)) == {power}
    assert _listed(queries, supervisor, TicketFilter(extension_pending=True, unit_id="water")) == {water}
    handler = _staff(Role.UNIT, unit_id="water")
    assert _listed(queries, handler, TicketFilter(extension_pending=True)) == {water}
    assert _listed(queries, handler, TicketFilter(supervised=True)) == set()


def test_unit_handler_reads_only_its_units_tickets(queries: TicketQueries, by_unit: dict[str | None, str]) -> None:
    water = _staff(Role.UNIT, unit_id="water")
    record = queries.for_staff(by_unit["water"], water)
    assert record.ticket.unit_id == "water"
    assert [e.type for e in record.timeline] == ["ticket.created"]
    for unit in ("power", None):
        with pytest.raises(NotFound):
            queries.for_staff(by_unit[unit], water)


def test_centre_staff_read_any_ticket(queries: TicketQueries, by_unit: dict[str | None, str]) -> None:
    dispatcher = _staff(Role.DISPATCHER)
    assert {queries.for_staff(n, dispatcher).ticket.number for n in by_unit.values()} == set(by_unit.values())

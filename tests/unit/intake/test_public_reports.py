"""The public map: which tickets anyone may read (consent, a partner's Open311 ticket, a staff decision),
how little of each (street, ~100 m, nothing personal), and the bounds on what one request may read."""

from datetime import timedelta

import pytest
from hotline.domain.base.errors import Conflict, Forbidden, InvalidInput
from hotline.domain.handling import commands as c
from hotline.domain.intake.public_reports import PublicReport, coarse, street_level
from hotline.domain.intake.reads import PublicReads
from hotline.domain.partners.partner import Partner
from hotline.domain.staff.roles import Role, StaffMember
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.ticket import Contact, Location, Resolution, Status, Ticket

from tests.unit.fakes import FakePublicStore
from tests.unit.ticket_world import AGENT, DISPATCHER, SUPERVISOR, URBAN_HANDLER, World, draft, local, staff


@pytest.mark.parametrize(
    ("address", "street"),
    [
        ("北京市朝阳区建国路88号3号楼2单元501室", "北京市朝阳区建国路"),
        ("上海市黄浦区南京东路100弄5号", "上海市黄浦区南京东路"),
        ("朝阳区建国路甲2号", "朝阳区建国路"),
        ("海淀区中关村大街二十七号", "海淀区中关村大街"),
        ("幸福小区五号楼三单元", "幸福小区"),
        ("88号", None),
        ("12 Main Street, Apt 4B, Springfield", "Main Street, Springfield"),
        ("Flat 3, 221B Baker Street, London", "Baker Street, London"),
        ("Hauptstraße 12-14, Berlin", "Hauptstraße, Berlin"),
        ("350 5th Avenue Suite 3300", "5th Avenue"),
        ("No. 7 Jianguo Road #1203", "Jianguo Road"),
        ("Market Square", "Market Square"),
        (None, None),
    ],
)
def test_an_address_is_cut_to_its_street(address: str | None, street: str | None) -> None:
    assert street_level(address) == street


def test_coordinates_are_rounded_to_about_100_m() -> None:
    assert (coarse(39.90872), coarse(116.46048), coarse(None)) == (39.909, 116.46, None)


def _ticket(number: str = "2611-000001", **changes: object) -> Ticket:
    at = local(2026, 11, 21, 9)
    ticket = Ticket(
        **draft(
            location=Location(address="北京市朝阳区建国路88号", lat=39.90872, long=116.46048),
            contact=Contact(name="张三", phone="13800138000"),
        ).model_dump(),
        id="id",
        number=number,
        access_code_hash="hash",
        channel=Channel.WEB,
        received_at=at,
        updated_at=at,
    )
    return ticket.model_copy(update=changes)


def test_a_public_report_carries_a_coarse_place_and_nothing_personal() -> None:
    report = PublicReport.of(_ticket())
    assert (report.address, report.lat, report.long) == ("北京市朝阳区建国路", 39.909, 116.46)
    text = report.model_dump_json()
    assert "张三" not in text and "13800138000" not in text and "88" not in text
    assert not {"contact", "subject", "description", "attachments", "demands"} & set(PublicReport.model_fields)
    exact = PublicReport.of(_ticket(), exact=True)
    assert (exact.address, exact.lat, exact.long) == ("北京市朝阳区建国路88号", 39.90872, 116.46048)


CITY = Partner(id="city-app", name="City app")


def _store() -> FakePublicStore:
    base = local(2026, 11, 21, 9)
    tickets = [
        _ticket("2611-000001", public=False),  # a citizen who did not consent
        _ticket("2611-000002", public=True, channel=Channel.PARTNER, partner_id=CITY.id),
        _ticket("2611-000003", public=True),  # a citizen who consented
        _ticket("2611-000004", public=True, channel=Channel.PARTNER, partner_id="crm"),
        _ticket("2611-000005", public=False, channel=Channel.PARTNER, partner_id=CITY.id),  # staff hid it
    ]
    store = FakePublicStore()
    for offset, ticket in enumerate(tickets):
        at = base + timedelta(minutes=offset)
        store.tickets_by_number[ticket.number] = ticket.model_copy(update={"received_at": at, "updated_at": at})
    return store


def _shape(shown: list[Ticket | PublicReport]) -> list[tuple[str, str]]:
    return [(s.number, "full" if isinstance(s, Ticket) else "public") for s in shown]


def test_a_lookup_shows_public_tickets_to_anyone_and_a_partners_own_in_full() -> None:
    store = _store()
    reads = PublicReads(store)
    numbers = [f"2611-00000{n}" for n in range(1, 6)] + ["2611-000002", "not-a-number"]
    assert _shape(reads.lookup(numbers, None, 50)) == [
        ("2611-000002", "public"),
        ("2611-000003", "public"),
        ("2611-000004", "public"),
    ]
    assert _shape(reads.lookup(numbers, CITY, 50)) == [
        ("2611-000002", "full"),
        ("2611-000003", "public"),
        ("2611-000004", "public"),
        ("2611-000005", "full"),  # its own, even hidden from the public
    ]
    assert store.batches == [[f"2611-00000{n}" for n in range(1, 6)]] * 2  # one batch each, distinct, well-formed


def test_a_lookup_of_more_numbers_than_allowed_reads_nothing() -> None:
    store = _store()
    with pytest.raises(InvalidInput) as error:
        PublicReads(store).lookup([f"2611-{n:06d}" for n in range(51)], None, 50)
    assert error.value.fields[0].field == "service_request_id" and "50" in error.value.message
    assert store.batches == []
    assert PublicReads(store).lookup(["2611-000003"] * 51, None, 50)  # the same number twice counts once


def _everything(report: PublicReport) -> bool:
    return True


WINDOW = (local(2026, 11, 1), local(2026, 11, 30))


def test_a_listing_reads_public_tickets_only_newest_first_own_in_full() -> None:
    store = _store()
    shown = PublicReads(store).listing(*WINDOW, _everything, CITY, limit=1000, max_read=1000)
    assert _shape(shown) == [("2611-000004", "public"), ("2611-000003", "public"), ("2611-000002", "full")]
    assert store.batches == [["2611-000002"]]  # only its own are read again, in full


def test_a_listing_stops_after_reading_max_read_and_answers_what_it_found() -> None:
    store = _store()
    only_city = PublicReads(store).listing(*WINDOW, lambda r: r.partner_id == CITY.id, None, limit=1000, max_read=2)
    assert only_city == [] and store.pages_read == [2]
    assert len(PublicReads(store).listing(*WINDOW, _everything, None, limit=1, max_read=1000)) == 1


# -- the staff decision -------------------------------------------------------------------------------


def test_staff_publish_and_hide_a_ticket_in_any_status_with_a_reason_on_the_timeline() -> None:
    world = World()
    number = world.in_progress()
    restarts = len(world.runner.restarts)

    published = world.act(number, AGENT, c.Publish(public=True, reason="来电人同意公开"))
    assert published.public and published.status is Status.IN_PROGRESS
    assert len(world.runner.restarts) == restarts  # publication never moves the ticket clock
    world.act(number, URBAN_HANDLER, c.Reply(result="已处理", cause_code="construction.permit"))
    world.act(number, AGENT, c.Close(resolution=Resolution.RESOLVED))
    hidden = world.act(number, SUPERVISOR, c.Publish(public=False, reason="涉及隐私"))
    assert not hidden.public and hidden.status is Status.CLOSED
    events = world.events(number, "ticket.published", "ticket.unpublished")
    assert [(e.type, e.data["reason"], e.actor.role) for e in events] == [
        ("ticket.published", "来电人同意公开", "agent"),
        ("ticket.unpublished", "涉及隐私", "supervisor"),
    ]
    world.act(number, staff(Role.ADMIN, username="admin"), c.Publish(public=True, reason="典型案例"))


@pytest.mark.parametrize("who", [DISPATCHER, URBAN_HANDLER])
def test_only_agents_supervisors_and_admins_decide_publication(who: StaffMember) -> None:
    world = World()
    number = world.in_progress()
    with pytest.raises(Forbidden):
        world.act(number, who, c.Publish(public=True, reason="x"))
    assert not world.ticket(number).public


def test_a_stale_version_still_guards_a_publication() -> None:
    world = World()
    number = world.in_progress()
    with pytest.raises(Conflict):
        world.act(number, AGENT, c.Publish(public=True, reason="x", version=world.ticket(number).version - 1))

"""Supervisors' work on major incidents: declaring by hand, merging, resolving (the result reaches every ticket),
dismissing (every ticket unbound), the rules as data, and what the table stream hands on from each incident write."""

from datetime import timedelta

import pytest
from hotline.domain.base.errors import Conflict, Forbidden, InvalidInput
from hotline.domain.base.paging import PageRequest
from hotline.domain.handling import commands as c
from hotline.domain.incidents.incident import IncidentStatus, Trigger
from hotline.domain.incidents.relay import IncidentRelay
from hotline.domain.incidents.rules import IncidentRules
from hotline.domain.tickets.customer_message import MessageKind
from hotline.domain.tickets.ticket import Status
from hotline.domain.tickets.timers import TimerName

from tests.unit.fakes import FakeIncidentBus, FakeMeter, FakeNotifier
from tests.unit.incidents.world import SUPERVISOR, IncidentsWorld
from tests.unit.ticket_world import AGENT, DISPATCHER, LEADERSHIP, URBAN, URBAN_HANDLER, local

MINUTE = timedelta(minutes=1)
RESULT = "线路故障已排除，已恢复供电"


@pytest.fixture
def world() -> IncidentsWorld:
    world = IncidentsWorld()
    world.at(local(2026, 11, 18, 10))  # a Wednesday morning: texts go out at once
    return world


def declared(world: IncidentsWorld, count: int = 6, region: str = "chaoyang") -> list[str]:
    """`count` reports of a power cut a minute apart, looked at as each arrives: one incident."""
    numbers = []
    for _ in range(count):
        numbers.append(world.report(region=region, later=MINUTE))
        world.detect(numbers[-1])
    return numbers


def test_resolving_replies_the_primary_and_its_reply_reaches_every_ticket(world: IncidentsWorld) -> None:
    numbers = declared(world)
    seventh = world.report(later=MINUTE)
    world.detect(seventh)
    world.stream()
    incident = world.only()

    world.at(local(2026, 11, 18, 11))
    resolved = world.desk.resolve(SUPERVISOR, incident.id, RESULT)
    world.stream()  # the table stream's follow-up passes the primary's reply on

    assert resolved.status is IncidentStatus.RESOLVED and resolved.result == RESULT and resolved.holds == []
    for number in [*numbers, seventh]:
        ticket = world.ticket(number)
        assert ticket.status is Status.REPLIED and ticket.handling.result == RESULT
        assert ticket.handling.cause_code == "other"
        assert ticket.handling.timers[TimerName.CALLBACK].open and ticket.handling.survey is not None
    texted = {m.number for m in world.store.messages if m.kind is MessageKind.REPLY}
    assert texted == {*numbers, seventh}  # each customer told, with the survey's link
    assert world.events(numbers[0], "ticket.replied")[0].data["incident"] == incident.id
    (event,) = world.incidents.writes[-1].events
    assert event.type == "incident.resolved" and event.data["result"] == RESULT
    (notice,) = world.incidents.writes[-1].notifications
    assert notice.recipients == [LEADERSHIP] and RESULT in notice.message


def test_a_resolved_incident_takes_no_more_tickets_and_cannot_be_resolved_again(world: IncidentsWorld) -> None:
    declared(world)
    incident = world.only()
    world.desk.resolve(SUPERVISOR, incident.id, RESULT)

    late = world.report(later=MINUTE)

    assert world.detect(late) == [None]
    with pytest.raises(Conflict) as refused:
        world.desk.resolve(SUPERVISOR, incident.id, RESULT)
    assert refused.value.code == "incident_not_open"


def test_a_primary_its_unit_already_answered_must_be_reopened_first(world: IncidentsWorld) -> None:
    primary = declared(world)[0]
    world.act(primary, DISPATCHER, c.Dispatch(unit_id=URBAN))
    world.act(primary, URBAN_HANDLER, c.Accept())
    world.act(primary, URBAN_HANDLER, c.Reply(result="已派员抢修", cause_code="management.maintenance"))

    with pytest.raises(Conflict) as refused:
        world.desk.resolve(SUPERVISOR, world.only().id, RESULT)

    assert refused.value.code == "primary_replied" and refused.value.current_status == "replied"
    assert world.only().status is IncidentStatus.OPEN


def test_dismissing_unbinds_every_ticket_and_they_never_count_again(world: IncidentsWorld) -> None:
    numbers = declared(world, 5)
    incident = world.only()
    world.at(local(2026, 11, 18, 10, 30))

    dismissed = world.desk.dismiss(SUPERVISOR, incident.id, "同一户重复来电，非大面积停电")

    assert dismissed.status is IncidentStatus.DISMISSED and dismissed.holds == []
    for number in numbers[1:]:
        ticket = world.ticket(number)
        assert ticket.handling.primary is None and not ticket.handling.waits_for_primary
        assert world.events(number, "ticket.unlinked")
    assert world.ticket(numbers[0]).handling.bound == []
    assert world.incidents.writes[-1].events[0].type == "incident.dismissed"
    # A sixth report: the five dismissed ones do not count, so it stays alone.
    sixth = world.report(later=MINUTE)
    assert world.detect(sixth) == [None]
    # Dismissing again finishes unbinding and changes nothing else.
    assert world.desk.dismiss(SUPERVISOR, incident.id).status is IncidentStatus.DISMISSED


def test_merging_moves_the_others_tickets_under_this_primary_and_its_area(world: IncidentsWorld) -> None:
    first = declared(world, 5, region="chaoyang")
    second = declared(world, 5, region="dongcheng")
    this, other = sorted(world.declared, key=lambda i: i.first_seen)

    merged = world.desk.merge(SUPERVISOR, this.id, other.id)

    assert merged.tickets == first + second and merged.pending == []
    assert {s.area.region for s in merged.holds} == {"chaoyang", "dongcheng"}
    for number in [*first[1:], *second]:
        assert world.ticket(number).handling.primary == first[0]
    assert world.ticket(second[0]).handling.bound == []
    gone = world.incidents.get(other.id)
    assert gone is not None and gone.status is IncidentStatus.MERGED and gone.merged_into == this.id
    # A later report from the other's area joins the merged incident.
    late = world.report(region="dongcheng", later=MINUTE)
    joined = world.detect(late)[0]
    assert joined is not None and joined.id == this.id and world.ticket(late).handling.primary == first[0]


def test_merging_with_itself_or_an_unknown_incident_names_other(world: IncidentsWorld) -> None:
    declared(world, 5)
    incident = world.only()

    for other in (incident.id, "261118-020000-000000"):
        with pytest.raises(InvalidInput) as refused:
            world.desk.merge(SUPERVISOR, incident.id, other)
        assert [f.field for f in refused.value.fields] == ["other"]


def test_a_supervisor_declares_an_incident_by_hand(world: IncidentsWorld) -> None:
    numbers = [world.report(region=region, later=MINUTE) for region in ("chaoyang", "haidian")]
    incident = world.desk.declare(SUPERVISOR, list(reversed(numbers)), title="全市停电")

    assert incident.trigger is Trigger.MANUAL and incident.title == "全市停电"
    assert incident.primary == numbers[0] and incident.tickets == numbers
    assert world.ticket(numbers[1]).handling.primary == numbers[0]
    assert world.desk.incidents(SUPERVISOR, None, PageRequest()).items == [world.only()]
    with pytest.raises(Conflict) as again:
        world.desk.declare(SUPERVISOR, [numbers[1]])
    assert again.value.code == "ticket_in_incident"


def test_declaring_unknown_tickets_names_each(world: IncidentsWorld) -> None:
    known = world.report()

    with pytest.raises(InvalidInput) as refused:
        world.desk.declare(SUPERVISOR, [known, "2611-999999", "nonsense"])

    assert [f.field for f in refused.value.fields] == ["tickets.1", "tickets.2"]
    assert world.declared == []


def test_only_supervisors_and_admins_work_on_incidents(world: IncidentsWorld) -> None:
    number = world.report()
    for attempt in (
        lambda: world.desk.declare(AGENT, [number]),
        lambda: world.desk.incidents(AGENT, None, PageRequest()),
        lambda: world.desk.rules_in_force(AGENT),
    ):
        with pytest.raises(Forbidden):
            attempt()


def test_the_rules_are_data_and_name_an_unknown_category(world: IncidentsWorld) -> None:
    assert world.desk.rules_in_force(SUPERVISOR) == IncidentRules()

    with pytest.raises(InvalidInput) as refused:
        world.desk.replace_rules(SUPERVISOR, IncidentRules(urgent_categories=["housing.power", "housing.gas"]))
    assert [f.field for f in refused.value.fields] == ["urgent_categories.1"]

    world.desk.replace_rules(SUPERVISOR, IncidentRules(min_tickets=3, window_minutes=30))
    numbers = declared(world, 3)
    assert world.only().tickets == numbers


def test_the_stream_hands_each_incident_write_on_and_counts_declarations(world: IncidentsWorld) -> None:
    declared(world, 5)
    world.desk.resolve(SUPERVISOR, world.only().id, RESULT)
    bus, notifier, meter = FakeIncidentBus(), FakeNotifier(), FakeMeter()
    relay = IncidentRelay(bus, notifier, meter)

    for write in world.incidents.writes:
        relay.hand_on(write)

    assert [event.type for _, event in bus.announced] == ["incident.declared", "incident.resolved"]
    assert bus.announced[-1][0].status is IncidentStatus.RESOLVED
    assert [n.recipients for n in notifier.sent] == [[LEADERSHIP], [LEADERSHIP]]
    assert meter.declared_count == 1
    detail = bus.announced[0][1].detail(bus.announced[0][0])
    assert detail["type"] == "incident.declared" and detail["incident"]["tickets"] == world.only().tickets
    assert "pending" not in detail["incident"]

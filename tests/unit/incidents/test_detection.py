"""Detecting major incidents in new tickets (重大事件): the rules' windows and areas, joining, and looking twice."""

from datetime import timedelta

import pytest
from hotline.domain.incidents.area import Area
from hotline.domain.incidents.incident import Incident, IncidentStatus, Trigger
from hotline.domain.incidents.ports import IncidentWrite
from hotline.domain.incidents.rules import IncidentRules
from hotline.domain.tickets.catalog import Priority
from hotline.domain.tickets.ticket import Status

from tests.unit.incidents.world import LAT, LONG, POWER, IncidentsWorld
from tests.unit.ticket_world import AGENT, LEADERSHIP, local

MINUTE = timedelta(minutes=1)


@pytest.fixture
def world() -> IncidentsWorld:
    world = IncidentsWorld()
    world.at(local(2026, 11, 18, 10))
    return world


def burst(world: IncidentsWorld, count: int, every: timedelta = MINUTE) -> list[str]:
    """`count` reports of a power cut in one region, `every` apart (detection has not looked at them yet)."""
    return [world.report(later=every if i else timedelta()) for i in range(count)]


def arrive(world: IncidentsWorld, count: int) -> list[str]:
    """`count` reports a minute apart, each looked at as it arrives."""
    numbers = []
    for _ in range(count):
        numbers.append(world.report(later=MINUTE))
        world.detect(numbers[-1])
    return numbers


def test_five_tickets_of_one_category_in_one_region_within_an_hour_are_one_incident(world: IncidentsWorld) -> None:
    numbers, looks = [], []
    for i in range(5):  # each looked at as it arrives, 56 minutes from first to last
        numbers.append(world.report(later=timedelta(minutes=14) if i else timedelta()))
        looks += world.detect(numbers[-1])

    assert looks[:4] == [None] * 4  # four are not yet an incident
    incident = world.only()
    assert looks[4] == incident
    assert incident.status is IncidentStatus.OPEN and incident.trigger is Trigger.BURST
    assert incident.category == POWER and incident.area == Area.of_region("chaoyang")
    assert incident.title == "供电（chaoyang）"
    assert incident.tickets == numbers and incident.primary == numbers[0]
    assert (incident.first_seen, incident.last_seen) == (local(2026, 11, 18, 10), local(2026, 11, 18, 10, 56))
    assert incident.pending == []
    assert world.ticket(numbers[0]).handling.bound == numbers[1:]
    for number in numbers[1:]:
        ticket = world.ticket(number)
        assert ticket.handling.primary == numbers[0] and ticket.handling.waits_for_primary


def test_five_tickets_spread_over_more_than_an_hour_are_not(world: IncidentsWorld) -> None:
    numbers = burst(world, 5, every=timedelta(minutes=16))  # any 60 minutes hold four at most

    assert world.detect(*numbers) == [None] * 5
    assert world.declared == []
    assert all(world.ticket(n).handling.primary is None for n in numbers)


def test_tickets_within_500_metres_are_one_area_whatever_their_regions(world: IncidentsWorld) -> None:
    near = [world.report(region=None, north_m=m, later=MINUTE) for m in (0, 120, 240, 360)]
    far = world.report(region=None, north_m=-520, later=MINUTE)  # 520 m from the first ticket
    world.detect(*near, far)
    assert world.declared == []

    fifth = world.report(region="dongcheng", north_m=480, later=MINUTE)
    incident = world.detect(fifth)[0]

    assert incident is not None and incident.tickets == [*near, fifth]
    assert incident.area == Area.around(LAT + 480 / 111_320, LONG, 500)
    assert far not in incident.tickets


def test_tickets_of_other_categories_never_count_together(world: IncidentsWorld) -> None:
    numbers = burst(world, 3) + [world.report(category="housing.water", later=MINUTE) for _ in range(2)]

    assert world.detect(*numbers) == [None] * 5


def test_one_urgent_ticket_in_a_listed_category_is_an_incident_by_itself(world: IncidentsWorld) -> None:
    urgent = world.report(priority=Priority.URGENT)
    noise = world.report(category="urban.noise", priority=Priority.URGENT)
    normal = world.report(region="haidian")

    incident, none, neither = world.detect(urgent, noise, normal)

    assert incident is not None and incident.trigger is Trigger.URGENT and incident.tickets == [urgent]
    assert none is None and neither is None
    joined = world.detect(world.report(later=MINUTE))[0]  # a later report of the same outage joins it
    assert joined is not None and joined.id == incident.id and len(joined.tickets) == 2


def test_a_later_ticket_joins_while_the_burst_goes_on_and_not_after(world: IncidentsWorld) -> None:
    numbers = burst(world, 5)
    world.detect(*numbers)

    late = world.report(later=timedelta(minutes=59))  # within the window after the incident's last ticket
    joined = world.detect(late)[0]
    too_late = world.report(later=timedelta(minutes=61))
    after = world.detect(too_late)[0]

    assert joined is not None and joined.tickets == [*numbers, late]
    assert joined.last_seen == local(2026, 11, 18, 11, 3)
    assert world.ticket(late).handling.primary == numbers[0]
    assert after is None and world.ticket(too_late).handling.primary is None
    assert world.incidents.claims([too_late]) == {}


def test_another_ticket_of_the_category_elsewhere_does_not_join(world: IncidentsWorld) -> None:
    world.detect(*burst(world, 5))

    elsewhere = world.report(region="haidian", later=MINUTE)

    assert world.detect(elsewhere) == [None]
    assert len(world.only().tickets) == 5


def test_looking_again_at_every_ticket_in_any_order_changes_nothing(world: IncidentsWorld) -> None:
    numbers = burst(world, 6)
    world.detect(*numbers)
    declared = world.only()
    writes = len(world.store.stream)

    again = world.detect(*reversed(numbers), *numbers)  # a redelivered batch, then the whole queue again

    assert all(look == declared for look in again)
    assert world.only() == declared and len(world.store.stream) == writes
    assert [len(world.events(n, "ticket.linked")) for n in numbers[1:]] == [1] * 5
    assert [w.events[0].type for w in world.incidents.writes if w.events] == ["incident.declared"]


def test_a_consumer_that_lost_the_race_joins_the_incident_the_other_declared(world: IncidentsWorld) -> None:
    numbers = arrive(world, 4) + burst(world, 2)
    write = world.incidents.write

    def other_consumer_first(writes: list[IncidentWrite]) -> list[Incident]:
        world.incidents.write = write  # type: ignore[method-assign]
        world.detect(numbers[4])  # the fifth ticket's consumer declares in between
        return write(writes)

    world.incidents.write = other_consumer_first  # type: ignore[method-assign]
    looked = world.detect(numbers[5])[0]

    incident = world.only()
    assert looked == incident and incident.tickets == numbers
    assert [w.events[0].type for w in world.incidents.writes if w.events] == ["incident.declared"]
    assert all(world.ticket(n).handling.primary == numbers[0] for n in numbers[1:])


def test_a_declaration_that_failed_halfway_is_bound_by_the_redelivery(world: IncidentsWorld) -> None:
    numbers = [*arrive(world, 4), world.report(later=MINUTE)]
    link_failures = iter([RuntimeError("the table is unavailable")])

    def flaky_save(*args: object, **kwargs: object) -> object:
        failure = next(link_failures, None)
        if failure:
            raise failure
        return save(*args, **kwargs)

    save = world.store.save_all
    world.store.save_all = flaky_save  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        world.detect(numbers[4])
    assert world.only().pending == numbers[1:]

    world.detect(numbers[4])  # the queue delivers the message again

    assert world.only().pending == []
    assert world.ticket(numbers[0]).handling.bound == numbers[1:]


def test_a_ticket_bound_by_staff_or_already_answered_is_left_where_it_is(world: IncidentsWorld) -> None:
    numbers = burst(world, 5)
    world.linking.link(numbers[1], numbers[2], AGENT)

    assert world.detect(*numbers) == [None] * 5  # only three are free to gather

    world.incidents.stored_rules = IncidentRules(min_tickets=3)
    incident = world.detect(numbers[4])[0]
    assert incident is not None and incident.tickets == [numbers[0], numbers[3], numbers[4]]
    assert world.ticket(numbers[1]).handling.primary == numbers[2]


def test_the_declaration_tells_leadership_and_is_an_event(world: IncidentsWorld) -> None:
    numbers = burst(world, 5)
    world.detect(*numbers)

    (declared,) = [w for w in world.incidents.writes if w.events]
    (event,) = declared.events
    assert event.type == "incident.declared" and event.data["tickets"] == numbers
    (notice,) = declared.notifications
    assert notice.kind == "incident" and notice.recipients == [LEADERSHIP] and notice.level == 3
    assert notice.number == numbers[0] and world.only().id in notice.message


def test_tickets_without_a_place_make_no_incident(world: IncidentsWorld) -> None:
    numbers = [world.submit(category=POWER) for _ in range(6)]

    assert world.detect(*numbers) == [None] * 6
    assert all(world.ticket(n).status is Status.RECEIVED for n in numbers)
    # A burst of them costs no reads of their category's tickets (a Query and a page of tickets each on AWS).
    assert world.store.listed == []

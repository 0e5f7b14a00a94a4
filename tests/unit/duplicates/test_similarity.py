"""Similar tickets: how alike two matters are, and the open tickets suggested for a ticket or a call being taken."""

from datetime import timedelta

import pytest
from hotline.domain.base.errors import Forbidden
from hotline.domain.duplicates.rules import DuplicateRules
from hotline.domain.duplicates.similar import MatterDraft
from hotline.domain.duplicates.similarity import distance_m, likeness, normalised, place_score, text_score
from hotline.domain.handling import commands as c
from hotline.domain.tickets.ticket import Location, Resolution

from tests.unit.duplicates.world import DuplicatesWorld
from tests.unit.ticket_world import AGENT, URBAN_HANDLER, draft

TIANANMEN = Location(lat=39.9087, long=116.3975)
NEARBY = Location(lat=39.9087, long=116.4010)  # about 300 m east
FAR = Location(lat=39.9900, long=116.3975)  # about 9 km north


def test_distance_is_haversine_in_metres() -> None:
    metres = distance_m(TIANANMEN, NEARBY)
    assert metres is not None and 290 < metres < 310
    assert distance_m(TIANANMEN, Location(address="建国路88号")) is None


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        (TIANANMEN, TIANANMEN, 1.0),
        (TIANANMEN, FAR, 0.0),
        (Location(address="建国路８８号 3号楼"), Location(address="建国路88号3号楼"), 1.0),  # full width, spaces
        (Location(region="chaoyang"), Location(region="chaoyang"), 0.5),
        (Location(region="chaoyang"), Location(region="haidian"), 0.0),
        (None, TIANANMEN, 0.5),  # unknown is neither near nor far
    ],
)
def test_place_scores(a: Location | None, b: Location | None, score: float) -> None:
    assert place_score(a, b, 500)[0] == pytest.approx(score)


def test_a_place_near_scores_between_the_same_spot_and_far() -> None:
    near, metres = place_score(TIANANMEN, NEARBY, 500)
    assert 0.6 < near < 0.8 and metres is not None


def test_words_about_the_same_matter_score_higher_than_others() -> None:
    outage = draft(subject="小区停电", description="建国路88号小区从早上开始停电，到现在还没来电")
    same = draft(subject="停电了", description="建国路88号停电一整天了，什么时候恢复供电")
    other = draft(subject="路灯不亮", description="小区门口路灯坏了一个星期")
    assert text_score(outage, same) > text_score(outage, other)
    assert text_score(outage, outage) == 1.0
    assert normalised("ＡＢＣ，停电！") == "abc停电"


def test_the_score_is_the_mean_of_place_and_words() -> None:
    a = draft(subject="夜间施工噪音", location={"lat": 39.9087, "long": 116.3975})
    b = draft(subject="夜间施工噪音", location={"lat": 39.9087, "long": 116.3975})
    alike = likeness(a, b, 500)
    assert alike.score == 1.0 and alike.distance_m == 0.0
    far = likeness(a, b.model_copy(update={"location": FAR}), 500)
    assert far.score == pytest.approx(0.5) and far.place == 0.0


@pytest.fixture
def world() -> DuplicatesWorld:
    return DuplicatesWorld()


def test_similar_open_tickets_of_the_same_category_near_the_same_place_best_first(world: DuplicatesWorld) -> None:
    here = {"location": {"lat": 39.9087, "long": 116.3975, "address": "东城区天安门广场"}}
    number = world.submit(**here)
    same_spot = world.submit(**here)
    nearby = world.submit(location={"lat": 39.9087, "long": 116.4010})
    world.submit(location={"lat": 39.9900, "long": 116.3975})  # far away
    world.submit(category="urban.sanitation", **here)  # another category
    closed = world.submit(**here)
    world.act(closed, AGENT, c.Close(resolution=Resolution.DUPLICATE, duplicate_of=number))

    found = world.similar.of_ticket(number, AGENT, 10)

    assert [s.ticket.number for s in found] == [same_spot, nearby]
    assert found[0].likeness.score == 1.0
    assert all(0 < s.likeness.score <= 1 for s in found)


def test_only_tickets_within_the_window_are_similar(world: DuplicatesWorld) -> None:
    old = world.submit()
    world.at(world.clock.now() + timedelta(days=8))
    number = world.submit()
    recent = world.submit()

    assert [s.ticket.number for s in world.similar.of_ticket(number, AGENT, 10)] == [recent]
    world.duplicate_rules = DuplicateRules(window_days=10)
    assert {s.ticket.number for s in world.similar.of_ticket(number, AGENT, 10)} == {recent, old}


def test_the_call_being_registered_gets_the_same_suggestion(world: DuplicatesWorld) -> None:
    open_one = world.submit(subject="夜间施工噪音", description="工地晚上11点后仍在施工")
    world.submit(category="urban.sanitation")

    found = world.similar.of_draft(
        MatterDraft(category="urban.noise", subject="工地夜间施工", description="晚上11点后还在施工"), AGENT, 5
    )

    assert [s.ticket.number for s in found] == [open_one]


def test_only_the_centre_looks_for_similar_tickets(world: DuplicatesWorld) -> None:
    number = world.submit()
    with pytest.raises(Forbidden):
        world.similar.of_ticket(number, URBAN_HANDLER, 10)

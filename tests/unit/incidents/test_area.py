"""Areas: a region, or a circle whose key is a grid cell, so that two circles closer than their radius always meet in
the store (the same cell, or one of the eight around it)."""

from math import cos, radians, sin

import pytest
from hotline.domain.incidents.area import Area, Place, distance_m

from tests.unit.incidents.world import LAT, LONG


def _moved(lat: float, long: float, metres: float, bearing: float) -> tuple[float, float]:
    north, east = metres * cos(radians(bearing)), metres * sin(radians(bearing))
    return lat + north / 111_320, long + east / (111_320 * cos(radians(lat)))


@pytest.mark.parametrize("lat", [LAT, 0.0, -33.87, 64.13])
@pytest.mark.parametrize("radius", [500, 50])
def test_two_circles_closer_than_their_radius_are_in_the_same_or_neighbouring_cells(lat: float, radius: int) -> None:
    for step in range(40):  # centres spread over a few cells
        here = _moved(lat, LONG, step * radius * 0.37, step * 47)
        first = Area.around(*here, radius)
        for bearing in range(0, 360, 15):
            there = Area.around(*_moved(*here, radius * 0.999, bearing), radius)
            assert distance_m(*here, there.lat, there.long) <= radius  # type: ignore[arg-type]
            assert there.key in {first.key, *first.neighbours()}, (here, bearing)


def test_an_area_holds_its_region_or_what_is_within_its_radius() -> None:
    assert Area.of_region("chaoyang").holds(Place("chaoyang", None, None))
    assert not Area.of_region("chaoyang").holds(Place("haidian", LAT, LONG))
    circle = Area.around(LAT, LONG, 500)
    assert circle.holds(Place(None, *_moved(LAT, LONG, 499, 80)))
    assert not circle.holds(Place("chaoyang", *_moved(LAT, LONG, 501, 80)))
    assert not circle.holds(Place("chaoyang", None, None))
    assert circle.neighbours() and len(circle.neighbours()) == 8 and circle.key not in circle.neighbours()
    assert Area.of_region("chaoyang").neighbours() == []


def test_an_area_is_a_region_or_a_whole_circle() -> None:
    for half in ({"lat": LAT, "long": LONG}, {"region": "chaoyang", "radius_m": 500}, {}):
        with pytest.raises(ValueError, match="an area is a region"):
            Area.model_validate(half)

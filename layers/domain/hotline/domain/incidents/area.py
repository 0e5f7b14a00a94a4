"""Where an incident's tickets are: one region, or a circle around a point.

Each area an open incident covers is held by it alone (a claim in the store keyed by `Area.key`), so two consumers
seeing the same burst at once declare one incident. A circle's key is the grid cell of its centre, cells as wide as
the radius: two centres closer than the radius lie in the same or in adjacent cells, so a declaration also requires
the eight cells around its own to be free (`Area.neighbours`).
"""

from math import asin, cos, floor, radians, sin, sqrt
from typing import NamedTuple, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hotline.domain.tickets.ticket import Ticket

EARTH_RADIUS_M = 6_371_000.0
METRES_PER_DEGREE = 111_320.0
"""Along a meridian (and along the equator): close enough for cells, which only need to be about a radius wide."""


class Place(NamedTuple):
    """Where a ticket says it is."""

    region: str | None
    lat: float | None
    long: float | None

    @classmethod
    def of(cls, ticket: Ticket) -> "Place":
        where = ticket.location
        return cls(where.region, where.lat, where.long) if where else cls(None, None, None)


def distance_m(lat: float, long: float, other_lat: float, other_long: float) -> float:
    """Great-circle distance (haversine)."""
    d_lat, d_long = radians(other_lat - lat), radians(other_long - long)
    h = sin(d_lat / 2) ** 2 + cos(radians(lat)) * cos(radians(other_lat)) * sin(d_long / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(h)))


class Area(BaseModel):
    """A region (its code, as tickets give it), or `radius_m` around `lat`/`long`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str | None = Field(default=None, description="The region code every ticket of the area gives.")
    lat: float | None = Field(default=None, ge=-90, le=90)
    long: float | None = Field(default=None, ge=-180, le=180)
    radius_m: int | None = Field(default=None, ge=1, description="Tickets within this distance of lat/long.")

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        parts = [part is not None for part in (self.lat, self.long, self.radius_m)]
        if not (all(parts) if self.region is None else not any(parts)):
            raise ValueError("an area is a region, or lat, long and radius_m")
        return self

    @classmethod
    def of_region(cls, region: str) -> "Area":
        return cls(region=region)

    @classmethod
    def around(cls, lat: float, long: float, radius_m: int) -> "Area":
        return cls(lat=lat, long=long, radius_m=radius_m)

    def holds(self, place: Place) -> bool:
        if self.region is not None:
            return place.region == self.region
        if place.lat is None or place.long is None:
            return False
        assert self.lat is not None and self.long is not None and self.radius_m is not None
        return distance_m(self.lat, self.long, place.lat, place.long) <= self.radius_m

    @property
    def key(self) -> str:
        if self.region is not None:
            return f"region#{self.region}"
        row, col = self._cell()
        return f"near#{self.radius_m}#{row}#{col}"

    def neighbours(self) -> list[str]:
        """The keys of the cells around a circle's own (none for a region)."""
        if self.region is not None:
            return []
        row, _ = self._cell()
        keys = []
        for near_row in (row - 1, row, row + 1):
            col = self._column(near_row)
            keys += [f"near#{self.radius_m}#{near_row}#{c}" for c in (col - 1, col, col + 1)]
        return [key for key in keys if key != self.key]

    @property
    def label(self) -> str:
        if self.region is not None:
            return self.region
        return f"{self.lat:.5f}, {self.long:.5f} 周边 {self.radius_m} 米"

    def _cell(self) -> tuple[int, int]:
        assert self.lat is not None and self.radius_m is not None
        row = floor(self.lat * METRES_PER_DEGREE / self.radius_m)
        return row, self._column(row)

    def _column(self, row: int) -> int:
        """Columns are as wide as the radius at the row's middle latitude (they narrow towards the poles)."""
        assert self.long is not None and self.radius_m is not None
        middle = (row + 0.5) * self.radius_m / METRES_PER_DEGREE
        width = max(cos(radians(middle)), 1e-6)
        return floor(self.long * METRES_PER_DEGREE * width / self.radius_m)

"""How alike two tickets of one category are: their place and their words, each scored from 0 to 1.

- **Place**: with lat/long on both, the distance (haversine): 1 at the same spot, ½ at `near_metres`, 0 from twice
  that. Otherwise the addresses, normalised (one width, no spaces or punctuation), compared as text; otherwise the
  regions: the same region is ½ (a district is large), another one 0. Nothing to compare counts ½ too: unknown is
  neither near nor far.
- **Text**: rapidfuzz's normalised Indel similarity (an LCS over characters, which suits Chinese: no word
  boundaries needed) of the subjects and of subject + description, whichever is higher; normalised like addresses.
- **Score**: the mean of the two. The same category at the same spot within the window is similar whatever the
  words; far apart (place 0) it never is, however alike the words (two power cuts in two districts are two matters);
  in between, the words decide against the rules' `min_score`.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz

from hotline.domain.tickets.ticket import Location

EARTH_RADIUS_M = 6_371_008.8
NOT_LETTERS = re.compile(r"[\W_]+")
UNKNOWN_PLACE = 0.5
SAME_REGION = 0.5


class Matter(Protocol):
    """What a ticket (or a draft an agent is registering) says: enough to compare two of them."""

    @property
    def subject(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def location(self) -> Location | None: ...


@dataclass(frozen=True)
class Likeness:
    score: float
    text: float
    place: float
    distance_m: float | None
    """Metres between the two, when both have lat/long."""


def normalised(text: str) -> str:
    """One width (NFKC: full-width letters and digits to ASCII), lower case, letters and digits only."""
    return NOT_LETTERS.sub("", unicodedata.normalize("NFKC", text).lower())


def distance_m(a: Location, b: Location) -> float | None:
    """The great-circle distance (haversine) in metres, when both have lat/long."""
    if a.lat is None or a.long is None or b.lat is None or b.long is None:
        return None
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlong = lat2 - lat1, math.radians(b.long - a.long)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlong / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def place_score(a: Location | None, b: Location | None, near_metres: int) -> tuple[float, float | None]:
    """The place's score and, when measured, the distance in metres."""
    if a is None or b is None:
        return UNKNOWN_PLACE, None
    metres = distance_m(a, b)
    if metres is not None:
        return max(0.0, 1.0 - metres / (2 * near_metres)), metres
    if a.address and b.address:
        return _alike(a.address, b.address), None
    if a.region and b.region:
        return (SAME_REGION if a.region == b.region else 0.0), None
    return UNKNOWN_PLACE, None


def text_score(a: Matter, b: Matter) -> float:
    whole = _alike(f"{a.subject} {a.description}", f"{b.subject} {b.description}")
    return max(_alike(a.subject, b.subject), whole)


def likeness(a: Matter, b: Matter, near_metres: int) -> Likeness:
    place, metres = place_score(a.location, b.location, near_metres)
    text = text_score(a, b)
    return Likeness(round((place + text) / 2, 3), round(text, 3), round(place, 3), _rounded(metres))


def _alike(a: str, b: str) -> float:
    first, second = normalised(a), normalised(b)
    if not first or not second:
        return 0.0
    return float(fuzz.ratio(first, second)) / 100


def _rounded(metres: float | None) -> float | None:
    return round(metres, 1) if metres is not None else None

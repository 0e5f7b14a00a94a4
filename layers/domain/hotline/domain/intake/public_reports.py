"""The public map (Open311 reads): which tickets anyone may see, and how little of each.

A ticket is public when its submitter consented (the form's `public`), when a partner sent it through
Open311 (public by nature), or when staff decided so (the `publish` action, either way). The public see
a `PublicReport`: the place coarsened to the street and to about 100 m, and nothing personal — no
contact, no subject or description, no attachments, no note addressed to the customer.
"""

import re
from datetime import datetime

from pydantic import BaseModel, Field

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.tickets.ticket import Status, Ticket
from hotline.domain.tickets.timers import TimerName

COORDINATE_DECIMALS = 3
"""0.001° is about 110 m of latitude (less of longitude away from the equator)."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Chinese addresses run from the large to the small: the first number (88号, 3号楼, 甲2号, 五单元 …) ends the street.
_CJK_HOUSE = re.compile(r"[甲乙丙丁]?[0-9０-９]|[一二三四五六七八九十百千零〇两]+\s*[号號弄栋棟幢座楼樓单單室层層户戶]")
# Elsewhere: drop unit parts (Apt 4, Suite 200, Room 5 …) and every house number (12, 12A, 12-14, #5, No. 7).
_UNIT = re.compile(r"\b(apt|apartment|unit|suite|room|rm|flat|floor|bldg|building|po box)\b.*", re.I)
_HOUSE = re.compile(r"(\bno\.?\s*)?#?\b\d+[a-z]?([-/]\d+[a-z]?)*\b", re.I)
_EDGES = " \t,，、;；:：-–—#/"


def street_level(address: str | None) -> str | None:
    """The address without house numbers, buildings, units or rooms: what a street map would show."""
    if address is None:
        return None
    if _CJK.search(address):
        street = _CJK_HOUSE.split(address, maxsplit=1)[0]
    else:
        parts = (_HOUSE.sub("", _UNIT.sub("", part)) for part in address.split(","))
        street = ", ".join(" ".join(part.split()).strip(_EDGES) for part in parts if part.strip(_EDGES + "."))
        street = re.sub(r"(, )+", ", ", street)
    return street.strip(_EDGES) or None


def coarse(coordinate: float | None) -> float | None:
    return None if coordinate is None else round(coordinate, COORDINATE_DECIMALS)


def expected_at(ticket: Ticket) -> datetime | None:
    """The open resolve deadline, or the dispatch deadline before dispatch."""
    for name in (TimerName.RESOLVE, TimerName.DISPATCH):
        timer = ticket.handling.timers.get(name)
        if timer is not None and timer.open:
            return timer.due
    return None


class PublicReport(BaseModel):
    """What anyone may read about a public ticket (`exact` only for the partner that sent it)."""

    number: str
    status: Status
    category: str
    unit_id: str | None
    received_at: UtcDatetime
    updated_at: UtcDatetime
    expected_at: UtcDatetime | None
    address: str | None
    lat: float | None
    long: float | None
    partner_id: str | None = Field(description="Never shown: lets a partner tell its own reports apart.")

    @classmethod
    def of(cls, ticket: Ticket, *, exact: bool = False) -> "PublicReport":
        location = ticket.location
        address = location.address if location else None
        lat, long = (location.lat, location.long) if location else (None, None)
        return cls(
            number=ticket.number,
            status=ticket.status,
            category=ticket.category,
            unit_id=ticket.unit_id,
            received_at=ticket.received_at,
            updated_at=ticket.updated_at,
            expected_at=expected_at(ticket),
            address=address if exact else street_level(address),
            lat=lat if exact else coarse(lat),
            long=long if exact else coarse(long),
            partner_id=ticket.partner_id,
        )

"""What each ticket event counts, and under which dimensions (统计口径).

Every stored write of a ticket carries the events it appended and the ticket as it left it (the table stream hands
both on). Each event adds to counters of its local day (the centre's zone) under every dimension the ticket has a
value for: the centre as a whole (`all`), its channel, type, category, region, priority, unit and cause, and the
crossings the bulletin needs (a unit's categories and causes, a category's causes). Counting an event is keyed by
its id, so a redelivered write counts nothing twice (hotline/store/aggregates.py).

Flow figures: an event counts on the day it happened. A reply counts on time when its resolve timer was met by its
due (a timer met after its due is recorded breached too: late), an acceptance likewise with the accept timer.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from hotline.domain.tickets.ticket import Resolution, Ticket, TicketEvent
from hotline.domain.tickets.timers import TimerName

ALL = "all"
CHANNEL, TYPE, CATEGORY, REGION, PRIORITY, UNIT, CAUSE = (
    "channel",
    "type",
    "category",
    "region",
    "priority",
    "unit",
    "cause",
)
UNIT_CATEGORY, UNIT_CAUSE, CATEGORY_CAUSE = "unit+category", "unit+cause", "category+cause"
REPEAT = "repeat"
"""Repeat complaints (重复投诉): a ticket flagged as one (`handling.repeat_of`) counts under it from the flag on."""
JOIN = "|"
"""Separates the parts of a crossing's value (`<unit>|<category>`): unit ids and codes never contain it."""

DIRECT = frozenset({Resolution.DIRECT_ANSWER.value, Resolution.REFERRED.value})
"""Settled where it was received (直办): answered or referred by the centre, never held by a unit."""


def _unit(ticket: Ticket, event: TicketEvent) -> str | None:
    # A return leaves the ticket with no unit: it counts against the unit that returned it.
    return str(event.data["unit_id"]) if event.type == "ticket.returned" else ticket.unit_id


def _cross(*parts: str | None) -> str | None:
    return JOIN.join(parts) if all(parts) else None  # type: ignore[arg-type]


DIMENSIONS: dict[str, Callable[[Ticket, TicketEvent], str | None]] = {
    ALL: lambda ticket, event: ALL,
    CHANNEL: lambda ticket, event: ticket.channel.value,
    TYPE: lambda ticket, event: ticket.type.value,
    CATEGORY: lambda ticket, event: ticket.category,
    REGION: lambda ticket, event: ticket.location.region if ticket.location else None,
    PRIORITY: lambda ticket, event: ticket.priority.value,
    UNIT: _unit,
    CAUSE: lambda ticket, event: ticket.handling.cause_code,
    UNIT_CATEGORY: lambda ticket, event: _cross(_unit(ticket, event), ticket.category),
    UNIT_CAUSE: lambda ticket, event: _cross(_unit(ticket, event), ticket.handling.cause_code),
    CATEGORY_CAUSE: lambda ticket, event: _cross(ticket.category, ticket.handling.cause_code),
    REPEAT: lambda ticket, event: REPEAT if ticket.handling.repeat_of else None,
}
"""Each dimension's value for an event of a ticket (None: not counted under it)."""


def _on_time(ticket: Ticket, timer: TimerName) -> bool:
    met = ticket.handling.timers.get(timer)
    return met is not None and met.breached_at is None


def metrics(ticket: Ticket, event: TicketEvent) -> Counter[str]:
    """The counters `event` adds to (none for events reports do not count: reminders, notes, publication …)."""
    data, counted = event.data, Counter[str]()
    match event.type:
        case "ticket.created":
            counted["received"] += 1
        case "ticket.dispatched":
            # 交办: the first dispatch; after a return the ticket is dispatched again, counted apart.
            counted["redispatched" if ticket.handling.counts.returned else "dispatched"] += 1
        case "ticket.accepted":
            counted["accepted"] += 1
            counted["accepted_on_time" if _on_time(ticket, TimerName.ACCEPT) else "accepted_late"] += 1
        case "ticket.replied":
            counted["replied"] += 1
            counted["replied_on_time" if _on_time(ticket, TimerName.RESOLVE) else "replied_late"] += 1
        case "ticket.returned":
            counted["returned"] += 1
        case "ticket.reopened":
            counted["reworks"] += 1
        case "ticket.closed":
            resolution = str(data["resolution"])
            counted["closed"] += 1
            counted[f"closed_{resolution}"] += 1
            if resolution in DIRECT and ticket.unit_id is None:
                counted["direct"] += 1
        case "ticket.escalated":
            counted["escalated"] += 1
            counted[f"escalated_level_{int(data['level'])}"] += 1
        case "ticket.breached":
            counted[f"breached_{data['timer']}"] += 1
        case "ticket.extension_requested":
            counted["extension_requested"] += 1
        case "ticket.extension_decided":
            counted["extension_approved" if data.get("approved") else "extension_refused"] += 1
        case "ticket.urged":
            counted["urged"] += 1
        case "ticket.supervised":
            counted["supervised"] += 1
        case "survey.sent":
            counted["survey_sent"] += 1
        case "survey.answered":
            counted["survey_answered"] += 1
            counted[f"grade_{data['grade']}"] += 1
            counted["solved" if data.get("solved") else "unsolved"] += 1
        case "survey.expired":
            counted["survey_expired"] += 1
        case "survey.unreached":
            counted["survey_unreached"] += 1
        case "ticket.repeat_complaint":
            counted["repeat_complaints"] += 1
        case "incident.declared":  # the hook for incidents: their writes do not reach the aggregates yet
            counted["incidents"] += 1
    return counted


@dataclass(frozen=True)
class Tally:
    """What one event adds: to each (dimension, value) of its local day, these counters."""

    event_id: str
    at: date
    counts: dict[tuple[str, str], dict[str, int]]


def tally(ticket: Ticket, event: TicketEvent, zone: ZoneInfo) -> Tally | None:
    """The counters `event` adds to (None: it counts nothing); `ticket` is the ticket as the event's write left it."""
    counted = metrics(ticket, event)
    if not counted:
        return None
    values = {dimension: value(ticket, event) for dimension, value in DIMENSIONS.items()}
    counts = {(dimension, value): dict(counted) for dimension, value in values.items() if value}
    return Tally(event_id=event.id, at=event.at.astimezone(zone).date(), counts=counts)


def tallies(ticket: Ticket, events: list[TicketEvent], zone: ZoneInfo) -> list[Tally]:
    """What a stored write counts: one tally per counted event, in the write's order."""
    return [counted for event in events if (counted := tally(ticket, event, zone)) is not None]

"""Whether a new ticket makes, or belongs to, a major incident: pure rules over tickets already read."""

from datetime import timedelta

from hotline.domain.incidents.area import Area, Place
from hotline.domain.incidents.incident import Incident
from hotline.domain.incidents.rules import IncidentRules
from hotline.domain.tickets.ticket import Status, Ticket

GATHERED = frozenset({Status.RECEIVED, Status.DISPATCHED, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER})
"""Statuses an incident gathers a ticket from: still being handled (a replied or closed one has its answer)."""


def gatherable(ticket: Ticket) -> bool:
    """Still being handled and bound to nothing: binding is one level only, so a ticket another is bound to, or one
    bound to another, stays where staff put it."""
    return ticket.status in GATHERED and ticket.handling.primary is None and not ticket.handling.bound


def areas_of(ticket: Ticket, rules: IncidentRules) -> list[Area]:
    """Where an incident with `ticket` may gather, in the order tried: its region, then the circle around it. None
    for a ticket that says nowhere: it can start no burst."""
    place = Place.of(ticket)
    areas = []
    if rules.same_region and place.region is not None:
        areas.append(Area.of_region(place.region))
    if rules.radius_m is not None and place.lat is not None and place.long is not None:
        areas.append(Area.around(place.lat, place.long, rules.radius_m))
    return areas


def area_of(ticket: Ticket, rules: IncidentRules) -> Area | None:
    """The area a single ticket stands for: its region, else the circle around it, else none."""
    return next(iter(areas_of(ticket, rules)), None)


def burst(ticket: Ticket, others: list[Ticket], rules: IncidentRules) -> tuple[list[Ticket], Area] | None:
    """The tickets that make an incident with `ticket` (it among them, oldest first) and their area: at least
    `min_tickets` of its category, in its region or within `radius_m` of it, all received within one window. Same
    region is tried first, then distance. `others` are the candidates (gatherable, unclaimed)."""
    same = [other for other in others if other.category == ticket.category and other.number != ticket.number]
    for area in areas_of(ticket, rules):
        cluster = busiest_window(ticket, [other for other in same if area.holds(Place.of(other))], rules.window)
        if len(cluster) >= rules.min_tickets:
            return cluster, area
    return None


def busiest_window(ticket: Ticket, others: list[Ticket], window: timedelta) -> list[Ticket]:
    """The most tickets received within one `window` that includes `ticket`, oldest first (it among them)."""
    ordered = sorted([ticket, *others], key=lambda t: (t.received_at, t.number))
    best: list[Ticket] = []
    for start in ordered:
        begins = start.received_at
        if begins > ticket.received_at:
            break
        if ticket.received_at - begins > window:
            continue
        span = [t for t in ordered if begins <= t.received_at <= begins + window]
        if len(span) > len(best):
            best = span
    return best


def joins(incident: Incident, ticket: Ticket, window: timedelta) -> bool:
    """An open incident takes a later ticket from any of its scopes while the burst goes on: received within `window`
    of the incident's first and last tickets."""
    place = Place.of(ticket)
    return (
        incident.open
        and any(s.category == ticket.category and s.area.holds(place) for s in incident.holds)
        and incident.first_seen - window <= ticket.received_at <= incident.last_seen + window
    )

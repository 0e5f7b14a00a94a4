"""Major incidents (重大事件): detected from new tickets off the request path, or declared, merged, resolved and
dismissed by supervisors.

- **Detection** (`Detector.ticket_created`, the `incidents` function, once per `ticket.created` on the bus): a new
  ticket joins the open incident holding its category and area while the burst goes on (detection.joins); otherwise
  an urgent ticket in a listed category, or enough tickets of its category in its region or around it within the
  window (detection.burst, over a bounded Query of the category's recent tickets), make a new incident.
- **One incident per burst.** A declaration claims, in one transaction with the new incident, every ticket it gathers
  (each ticket is counted into one incident only) and the scope (category + area) it holds while open (a circle also
  needs the cells around its own free). A consumer that loses the race to another (concurrent consumers, a
  redelivered event) gets `Taken` and looks again, finding the incident to join; a ticket already claimed is only
  bound again, so a redelivery changes nothing. The incident's id is derived from its trigger, category, area and
  first ticket.
- **Binding** uses changes/binding.py (`link`, `unlink`): every ticket under the incident's primary, the earliest.
  A declaration records the tickets it still has to bind (`pending`) and clears them once bound, so a consumer that
  failed halfway is finished by the redelivery. A ticket closed, or bound elsewhere by staff, meanwhile stays as it is.
- **Resolving** replies the primary with the result; the primary's reply reaches every bound ticket (each replied,
  its customer told and surveyed) through the binding's follow-up on the table stream. **Dismissing** (a false alarm)
  unbinds every ticket; its tickets never count towards another incident.
- Each write carries its events (`incident.declared`, `.resolved`, `.dismissed`, `.merged`) and the notice to
  leadership; the table stream's consumer publishes them, sends the notice and counts the declaration for ops
  (relay.py).
"""

from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hotline.domain.base.clock import to_iso_z
from hotline.domain.base.errors import Conflict, FieldProblem, InvalidInput, NotFound
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.changes.binding import link, unlink
from hotline.domain.changes.change import Change, Workshop
from hotline.domain.changes.due_points import reschedule
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.customers.surveying import SurveyLinks, reply
from hotline.domain.incidents.area import Area, Place
from hotline.domain.incidents.detection import GATHERED, area_of, areas_of, burst, gatherable, joins
from hotline.domain.incidents.incident import (
    Incident,
    IncidentEvent,
    IncidentStatus,
    Scope,
    Trigger,
    incident_id,
)
from hotline.domain.incidents.ports import IncidentStore, IncidentWrite, Taken
from hotline.domain.incidents.rules import MAX_DECLARED, IncidentRules
from hotline.domain.staff.roles import SUPERVISION_ROLES, StaffMember
from hotline.domain.tickets.clock_run import restart_clock
from hotline.domain.tickets.notification import Notification
from hotline.domain.tickets.numbering import is_number
from hotline.domain.tickets.ports import CatalogRepository, ClockRunner, TicketFilter
from hotline.domain.tickets.ticket import SYSTEM, Actor, Status, Ticket
from hotline.domain.tickets.timers import TimerName

DECLARED, RESOLVED, DISMISSED, MERGED = (
    "incident.declared",
    "incident.resolved",
    "incident.dismissed",
    "incident.merged",
)
LOOKS = 4
"""How often detection looks again after another consumer took a ticket or an area first."""
CANDIDATES, PAGE = 1000, 200
"""Detection reads at most this many of a category's recent tickets, a page at a time."""
MAX_HOPS = 8
"""Merged incidents followed to the one that took them."""
UNKNOWN_INCIDENT = "no incident with that id"
DEFAULT_CAUSE = "other"


@dataclass
class Gathering(Workshop):
    """What detection and the supervisors' desk share: declaring, adding and binding tickets."""

    store: IncidentStore = field(kw_only=True)
    runner: ClockRunner = field(kw_only=True)
    catalog: CatalogRepository = field(kw_only=True)

    def _current(self, incident_id: str) -> Incident | None:
        """The incident, or the one it was merged into."""
        incident = self.store.get(incident_id, consistent=True)
        for _ in range(MAX_HOPS):
            if incident is None or incident.merged_into is None:
                break
            incident = self.store.get(incident.merged_into, consistent=True)
        return incident

    def _update(self, incident_id: str, change: Callable[[Incident], Sequence[IncidentWrite]]) -> Incident:
        """Read the incident, change it and store it (the first write's incident is returned); again when another
        writer stored first. No writes: nothing to do."""

        def attempt() -> Incident:
            incident = self.store.get(incident_id, consistent=True)
            if incident is None:
                raise NotFound(UNKNOWN_INCIDENT)
            writes = change(incident)
            return self.store.write(writes)[0] if writes else incident

        return self.retrying(lambda _: attempt())

    def _declare(
        self,
        cluster: list[Ticket],
        area: Area | None,
        trigger: Trigger,
        actor: Actor,
        rules: IncidentRules,
        *,
        title: str | None = None,
        hold: bool = True,
        take_over: Mapping[str, str] | None = None,
    ) -> Incident:
        """Store a new incident of `cluster` (oldest first: the first is its primary), claiming its tickets and, with
        `hold`, its scope; Taken when another incident got there first."""
        head, numbers, now = cluster[0], [t.number for t in cluster], self.clock.now()
        scope = Scope(category=head.category, area=area) if area and hold else None
        # Detected: the same burst always gets the same id. By hand: a declaration of its own, whatever came before.
        named = [*numbers, to_iso_z(now)] if trigger is Trigger.MANUAL else numbers[:1]
        incident = Incident(
            id=incident_id(head.received_at, trigger.value, head.category, area.key if area else "", *named),
            title=title or self._title(head.category, area),
            category=head.category,
            area=area,
            holds=[scope] if scope else [],
            trigger=trigger,
            primary=head.number,
            tickets=numbers,
            pending=numbers[1:],
            first_seen=min(t.received_at for t in cluster),
            last_seen=max(t.received_at for t in cluster),
            declared_at=now,
            declared_by=actor,
        )
        event = _event(
            self, incident, DECLARED, actor, now, title=incident.title, trigger=trigger.value, tickets=numbers
        )
        message = f"Major incident {incident.id} declared (重大事件): {incident.title}, {len(numbers)} tickets"
        write = IncidentWrite(
            incident,
            [event],
            self._notice(incident, rules.notify_level, message, now),
            claim={number: (take_over or {}).get(number) for number in numbers},
            hold={scope: None} if scope else {},
            free=self._clear_around(scope) if scope and trigger is not Trigger.MANUAL else [],
        )
        return self.store.write([write])[0]

    @staticmethod
    def _clear_around(scope: Scope) -> list[tuple[str, str]]:
        """A detected circle keeps clear of the cells around its own (a declaration by hand goes where staff say)."""
        return [(scope.category, cell) for cell in scope.area.neighbours()]

    def _add(self, incident_id: str, ticket: Ticket, rules: IncidentRules) -> Incident:
        """`ticket` joins the incident (Taken when the incident no longer takes it: look again)."""

        def change(incident: Incident) -> list[IncidentWrite]:
            if ticket.number in incident.tickets:
                return []
            if not joins(incident, ticket, rules.window):
                raise Taken(f"incident {incident.id} no longer takes ticket {ticket.number}")
            grown = incident.model_copy(
                update={
                    "tickets": [*incident.tickets, ticket.number],
                    "first_seen": min(incident.first_seen, ticket.received_at),
                    "last_seen": max(incident.last_seen, ticket.received_at),
                }
            )
            return [IncidentWrite(grown, claim={ticket.number: None})]

        return self._update(incident_id, change)

    def _gather(self, incident: Incident, numbers: Sequence[str]) -> Incident:
        """Bind `numbers` and the incident's pending tickets under its primary, then clear those from `pending`."""
        wanted = [n for n in dict.fromkeys([*incident.pending, *numbers]) if n != incident.primary]
        members = set(incident.tickets)
        found = [t for t in (self.tickets.get(n, consistent=True) for n in wanted) if t is not None]
        # A merged incident's primary moves last: the tickets bound to it move first, so it is free to be bound.
        for ticket in sorted(found, key=lambda t: bool(t.handling.bound)):
            self._bind(ticket, incident.primary, members)
        done = set(wanted)
        if not done & set(incident.pending):
            return incident

        def settle(current: Incident) -> list[IncidentWrite]:
            left = [n for n in current.pending if n not in done]
            return [IncidentWrite(current.model_copy(update={"pending": left}))] if left != current.pending else []

        return self._update(incident.id, settle)

    def _bind(self, ticket: Ticket, primary: str, members: set[str]) -> None:
        """Bind the ticket under `primary`; one bound to another ticket of the incident (a merged incident's primary)
        is moved. One closed, or bound outside the incident by staff, meanwhile stays as it is."""
        was = ticket.handling.primary
        with suppress(Conflict, InvalidInput, NotFound):  # binding's refusals: the ticket is not ours to bind
            if was is not None and was != primary and was in members:
                unlink(self, self.runner, ticket.number, SYSTEM, f"merged under {primary}")
            link(self, self.runner, ticket.number, primary, SYSTEM)

    def _notice(self, incident: Incident, level: int, message: str, now: datetime) -> list[Notification]:
        """The notice to the unit `level` steps up the escalation chain from the dispatch desk (3: leadership)."""
        chain = self.rules().chain(None)
        if not chain:
            return []
        unit = chain[min(level, len(chain)) - 1]
        notice = Notification(
            id=self.new_id(now),
            number=incident.primary,
            kind="incident",
            at=now,
            recipients=[unit.id],
            contacts=unit.contacts,
            message=message,
            level=level,
        )
        return [notice]

    def _title(self, category: str, area: Area | None) -> str:
        names = {node.code: node.name_zh for node, _ in self.catalog.get().walk()}
        name = names.get(category, category)
        return f"{name}（{area.label}）" if area else name


def _event(shop: Workshop, incident: Incident, kind: str, actor: Actor, now: datetime, **data: Any) -> IncidentEvent:
    return IncidentEvent(id=shop.new_id(now), type=kind, incident=incident.id, actor=actor, at=now, data=data)


@dataclass
class Detector(Gathering):
    """Runs on each new ticket, off the request path (functions/incidents), at least once per ticket."""

    def ticket_created(self, number: str) -> Incident | None:
        """The incident the ticket is in after this look: joined, declared, or already claimed (a redelivery)."""
        for look in range(1, LOOKS + 1):
            try:
                return self._look(number)
            except (Taken, Conflict) as lost:  # another consumer wrote first (a transaction conflict, too)
                if look == LOOKS or (isinstance(lost, Conflict) and lost.code != "version_mismatch"):
                    raise
                self.pause(look)
        raise AssertionError("unreachable")

    def _look(self, number: str) -> Incident | None:
        ticket = self.tickets.get(number, consistent=True)
        if ticket is None:
            return None
        claimed = self.store.claims([number]).get(number)
        if claimed is not None:
            incident = self._current(claimed)
            return self._gather(incident, [number]) if incident is not None and incident.open else incident
        if not gatherable(ticket):
            return None
        rules = self.store.rules()
        joined = self._join(ticket, rules)
        if joined is not None:
            return self._gather(joined, [number])
        found = self._urgent(ticket, rules) or self._burst(ticket, rules)
        if found is None:
            return None
        cluster, area, trigger = found
        incident = self._declare(cluster[:MAX_DECLARED], area, trigger, SYSTEM, rules)
        for late in cluster[MAX_DECLARED:]:
            incident = self._add(incident.id, late, rules)
        return self._gather(incident, [])

    def _join(self, ticket: Ticket, rules: IncidentRules) -> Incident | None:
        place = Place.of(ticket)
        holders = [h.incident for h in self.store.holds(ticket.category) if h.scope.area.holds(place)]
        for held in dict.fromkeys(holders):
            incident = self.store.get(held, consistent=True)
            if incident is not None and joins(incident, ticket, rules.window):
                return self._add(incident.id, ticket, rules)
        return None

    @staticmethod
    def _urgent(ticket: Ticket, rules: IncidentRules) -> tuple[list[Ticket], Area | None, Trigger] | None:
        return ([ticket], area_of(ticket, rules), Trigger.URGENT) if rules.urgent(ticket) else None

    def _burst(self, ticket: Ticket, rules: IncidentRules) -> tuple[list[Ticket], Area | None, Trigger] | None:
        """A burst of unclaimed tickets with this one (a ticket claimed by an incident, even one that ended, never
        counts again). A ticket that says nowhere starts none, and its category's tickets are not read for it."""
        if not areas_of(ticket, rules):
            return None
        others = self._recent(ticket, rules)
        while (found := burst(ticket, others, rules)) is not None:
            cluster, area = found
            claimed = self.store.claims([t.number for t in cluster if t.number != ticket.number])
            if not claimed:
                return cluster, area, Trigger.BURST
            others = [t for t in others if t.number not in claimed]
        return None

    def _recent(self, ticket: Ticket, rules: IncidentRules) -> list[Ticket]:
        """Gatherable tickets of its category received within the window either side of it: a Query of the
        category's index, newest first, at most CANDIDATES tickets read."""
        where = TicketFilter(category=ticket.category, received_since=ticket.received_at - rules.window)
        until = ticket.received_at + rules.window
        found: list[Ticket] = []
        token: str | None = None
        while len(found) < CANDIDATES:
            page = self.tickets.list(where, PageRequest(limit=PAGE, token=token))
            found += page.items
            if page.next is None:
                break
            token = page.next
        return [t for t in found if t.received_at <= until and t.number != ticket.number and gatherable(t)]


@dataclass
class IncidentDesk(Gathering):
    """Supervisors' and admins' work on incidents (the staff API)."""

    links: SurveyLinks = field(kw_only=True)
    """Makes the one-time link of the survey the primary's reply opens."""

    def rules_in_force(self, by: StaffMember) -> IncidentRules:
        _require(by, "reading the incident rules")
        return self.store.rules()

    def replace_rules(self, by: StaffMember, rules: IncidentRules) -> IncidentRules:
        """Checked as the model is, and every urgent category must be in the catalogue."""
        _require(by, "changing the incident rules")
        known = {node.code for node, _ in self.catalog.get().walk()}
        unknown = [
            FieldProblem(f"urgent_categories.{i}", f"no category '{code}' in the catalogue")
            for i, code in enumerate(rules.urgent_categories)
            if code not in known
        ]
        if unknown:
            raise InvalidInput("unknown category", unknown)
        self.store.save_rules(rules)
        return rules

    def incidents(self, by: StaffMember, status: IncidentStatus | None, page: PageRequest) -> Page[Incident]:
        """Newest first."""
        _require(by, "reading incidents")
        return self.store.listing(status, page)

    def get(self, by: StaffMember, incident_id: str) -> Incident:
        _require(by, "reading incidents")
        incident = self.store.get(incident_id)
        if incident is None:
            raise NotFound(UNKNOWN_INCIDENT)
        return incident

    def declare(self, by: StaffMember, numbers: Sequence[str], title: str | None = None) -> Incident:
        """An incident of these tickets (the earliest is its primary), declared by hand: it holds its category and
        area unless an open incident does. A ticket of an ended incident may be taken into it, not one of an open
        incident (409 `ticket_in_incident`), nor one answered or bound outside it (409 `not_gatherable`)."""
        _require(by, "declaring a major incident")
        numbers = list(dict.fromkeys(numbers))
        tickets = [self.tickets.get(n, consistent=True) if is_number(n) else None for n in numbers]
        unknown = [
            FieldProblem(f"tickets.{i}", "no ticket has this number") for i, t in enumerate(tickets) if t is None
        ]
        if unknown:
            raise InvalidInput("unknown tickets", unknown)
        cluster = sorted((t for t in tickets if t is not None), key=lambda t: (t.received_at, t.number))
        take_over = {}
        for number, claimed in self.store.claims(numbers).items():
            incident = self._current(claimed)
            if incident is not None and incident.open:
                raise Conflict(f"ticket {number} is in incident {incident.id}", "ticket_in_incident")
            take_over[number] = claimed
        for ticket in cluster:
            if not gatherable(ticket):
                why = "answered" if ticket.status not in GATHERED else "bound, or has tickets bound to it"
                raise Conflict(f"ticket {ticket.number} is {why}", "not_gatherable", ticket.status.value)
        rules = self.store.rules()
        area = area_of(cluster[0], rules)
        held = {h.scope for h in self.store.holds(cluster[0].category)}
        free = area is not None and Scope(category=cluster[0].category, area=area) not in held
        try:
            declared = self._declare(
                cluster, area, Trigger.MANUAL, by.actor, rules, title=title, hold=free, take_over=take_over
            )
        except Taken as taken:
            message = "another incident took one of these tickets or the area meanwhile; try again"
            raise Conflict(message, "incident_conflict") from taken
        return self._gather(declared, [])

    def merge(self, by: StaffMember, incident_id: str, other_id: str) -> Incident:
        """The other incident's tickets and scopes join this one (its primary and bound tickets go under this
        primary); the other ends `merged`. Merging again what was merged finishes its binding."""
        _require(by, "merging incidents")
        if other_id == incident_id:
            raise InvalidInput("an incident cannot merge with itself", [FieldProblem("other", "names this incident")])
        if self.store.get(other_id) is None:
            raise InvalidInput("no such incident", [FieldProblem("other", UNKNOWN_INCIDENT)])
        self.get(by, incident_id)
        now = self.clock.now()

        def change(incident: Incident) -> list[IncidentWrite]:
            gone = self.store.get(other_id, consistent=True)
            assert gone is not None, "incidents are never deleted"
            if gone.merged_into == incident.id:
                return []
            _require_open(incident)
            _require_open(gone)
            grown = incident.model_copy(
                update={
                    "tickets": incident.tickets + [n for n in gone.tickets if n not in incident.tickets],
                    "pending": incident.pending + [n for n in gone.tickets if n not in incident.pending],
                    "holds": incident.holds + gone.holds,
                    "first_seen": min(incident.first_seen, gone.first_seen),
                    "last_seen": max(incident.last_seen, gone.last_seen),
                }
            )
            ended = _ended(gone, IncidentStatus.MERGED, by.actor, now, merged_into=incident.id, holds=[], pending=[])
            event = _event(self, ended, MERGED, by.actor, now, into=incident.id, tickets=gone.tickets)
            return [IncidentWrite(grown, hold={s: gone.id for s in gone.holds}), IncidentWrite(ended, [event])]

        return self._gather(self._update(incident_id, change), [])

    def resolve(self, by: StaffMember, incident_id: str, result: str, cause_code: str | None = None) -> Incident:
        """The result reaches every ticket: the primary is replied with it (and its cause, `other` unless given),
        which its bound tickets receive as their reply (changes/binding.py, duplicates/follow_up.py). 409
        `primary_replied` when the primary already replied with another result (reopen it first)."""
        _require(by, "resolving an incident")
        incident = self._gather(self.get(by, incident_id), [])
        _require_open(incident)
        self.retrying(
            lambda config: self._reply_primary(incident, result, cause_code or DEFAULT_CAUSE, by.actor, config)
        )
        now = self.clock.now()

        def change(current: Incident) -> list[IncidentWrite]:
            _require_open(current)
            ended = _ended(current, IncidentStatus.RESOLVED, by.actor, now, result=result, holds=[])
            event = _event(self, ended, RESOLVED, by.actor, now, result=result, tickets=ended.tickets)
            message = f"Major incident {ended.id} resolved (重大事件已处置): {ended.title}: {result}"
            notice = self._notice(ended, self.store.rules().notify_level, message, now)
            return [IncidentWrite(ended, [event], notice, release=current.holds)]

        return self._update(incident_id, change)

    def _reply_primary(self, incident: Incident, result: str, cause: str, actor: Actor, config: HandlingConfig) -> None:
        primary = self.tickets.get(incident.primary, consistent=True)
        assert primary is not None, "tickets are never deleted"
        if primary.status is Status.REPLIED and primary.handling.result == result:
            return  # an earlier resolve replied it, then failed to store the incident's end
        if primary.handling.primary is not None:
            raise Conflict(
                f"the primary {primary.number} is bound to {primary.handling.primary}; unlink it first",
                "primary_bound",
                primary.status.value,
            )
        if primary.status not in GATHERED:
            raise Conflict(
                f"the primary {primary.number} has already been answered; reopen it to resolve the incident",
                "primary_replied",
                primary.status.value,
            )
        change = self.begin(primary, actor, config)
        _answer(change, result, config.cause(cause).code, self.links, incident.id)
        restart = reschedule(change)
        saved = self.commit(change)
        if restart:
            restart_clock(self.runner, saved)

    def dismiss(self, by: StaffMember, incident_id: str, reason: str | None = None) -> Incident:
        """A false alarm: every ticket is unbound and goes on alone (dismissing again finishes the unbinding)."""
        _require(by, "dismissing an incident")
        now = self.clock.now()

        def change(incident: Incident) -> list[IncidentWrite]:
            if incident.status is IncidentStatus.DISMISSED:
                return []
            _require_open(incident)
            ended = _ended(incident, IncidentStatus.DISMISSED, by.actor, now, reason=reason, holds=[], pending=[])
            event = _event(self, ended, DISMISSED, by.actor, now, reason=reason, tickets=ended.tickets)
            return [IncidentWrite(ended, [event], release=incident.holds)]

        self.get(by, incident_id)
        dismissed = self._update(incident_id, change)
        for number in dismissed.tickets:
            ticket = self.tickets.get(number, consistent=True)
            if ticket is not None and number != dismissed.primary and ticket.handling.primary == dismissed.primary:
                with suppress(Conflict):  # unbound meanwhile
                    unlink(self, self.runner, number, by.actor, reason or "the major incident was dismissed")
        return dismissed


def _answer(change: Change, result: str, cause: str, links: SurveyLinks, incident: str) -> None:
    """The incident's result as the primary's reply, from whatever step it had reached: the dispatch and accept
    timers end, the resolve timer is met, a question waiting for the customer is dropped."""
    change.handling.customer_wait = None
    change.cancel(TimerName.DISPATCH, TimerName.ACCEPT)
    change.meet(TimerName.RESOLVE)
    reply(change, result, cause, links, incident=incident)


def _ended(incident: Incident, status: IncidentStatus, actor: Actor, now: datetime, **update: Any) -> Incident:
    return incident.model_copy(update={"status": status, "ended_at": now, "ended_by": actor, **update})


def _require(by: StaffMember, action: str) -> None:
    by.require_any(SUPERVISION_ROLES, action)


def _require_open(incident: Incident) -> None:
    if not incident.open:
        raise Conflict(f"incident {incident.id} is {incident.status.value}", "incident_not_open", incident.status.value)

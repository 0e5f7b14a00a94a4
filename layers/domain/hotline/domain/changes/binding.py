"""Binding tickets about one matter under a primary (参阅工单: 「多人反映同件事…应详细标注，并准确绑定」), for every
process that binds: staff linking similar tickets, a major incident gathering its tickets.

- A bound ticket names its primary (`handling.primary`); the primary lists its bound tickets (`handling.bound`). Both
  change in one transaction (`Workshop.commit_all`), each with a `ticket.linked` / `ticket.unlinked` event.
- One level only: a primary is never bound itself. Binding to a ticket that is bound binds to its primary instead (the
  event names the ticket asked for); binding a ticket that has tickets bound to it is refused (`is_primary`: unlink
  them first), so no cycle can form. Not to itself (422), not to or from a closed ticket (409), not to a second primary
  while bound to one (409 `already_bound`); binding again to the same primary changes nothing.
- The bound ticket's clock stops: its open timers are paused (not cancelled), so its deadlines stay its own, and the
  ticket clock has no due point while it waits for its primary (`Handling.waits_for_primary`). Unbinding resumes them,
  each due moved later by the time paused (working time for working units), as a customer's answer does; a resolve
  timer that a question to the customer paused stays paused until the answer.
- The primary's reply reaches each bound ticket (`handling.primary_round` is the reply round that did); from then on
  the bound ticket's survey and any rework run on its own clock.
"""

from hotline.domain.base.errors import Conflict, FieldProblem, InvalidInput, NotFound
from hotline.domain.changes.change import Change, Workshop
from hotline.domain.changes.due_points import reschedule
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.tickets.clock_run import restart_clock
from hotline.domain.tickets.numbering import UNKNOWN, is_number
from hotline.domain.tickets.ports import ClockRunner
from hotline.domain.tickets.ticket import Actor, Status, Ticket
from hotline.domain.tickets.timers import TimerName


def bind(change: Change, primary: Change, asked: str | None = None) -> bool:
    """Bind the ticket of `change` to the ticket of `primary` (read consistently; commit both with `commit_all`).
    `asked`: the ticket the caller named, when it was bound and `primary` is its primary. False when already bound."""
    ticket, head = change.ticket, primary.ticket
    _check(ticket, head, asked or head.number)
    if ticket.handling.primary == head.number:
        return False
    handling = change.handling
    handling.primary, handling.primary_round = head.number, None
    for timer in handling.timers.values():
        if timer.open and timer.paused_at is None:
            timer.paused_at = change.now
    primary.handling.bound.append(ticket.number)
    redirected = {"asked": asked} if asked and asked != head.number else {}
    change.record("ticket.linked", primary=head.number, **redirected)
    primary.record("ticket.linked", bound=ticket.number)
    return True


def unbind(change: Change, primary: Change, reason: str | None = None) -> None:
    """Undo the binding of the ticket of `change` to `primary` (its primary); a ticket still waiting for the primary's
    reply gets its clock back."""
    ticket, handling = change.ticket, change.handling
    if handling.primary is None:
        raise Conflict(f"ticket {ticket.number} is not bound to a primary", "not_bound", ticket.status.value)
    if handling.waits_for_primary:
        resume_clock(change)
    handling.primary = handling.primary_round = None
    primary.handling.bound = [number for number in primary.handling.bound if number != ticket.number]
    change.record("ticket.unlinked", primary=primary.ticket.number, reason=reason)
    primary.record("ticket.unlinked", bound=ticket.number, reason=reason)


def _check(ticket: Ticket, head: Ticket, asked: str) -> None:
    if asked == ticket.number:
        raise InvalidInput("a ticket cannot be bound to itself", [FieldProblem("primary", "names this ticket itself")])
    if head.number == ticket.number:
        raise Conflict(
            f"ticket {asked} is bound to {ticket.number}: binding {ticket.number} to it would make a cycle",
            "binding_cycle",
            ticket.status.value,
        )
    if ticket.status is Status.CLOSED:
        raise Conflict(f"cannot bind ticket {ticket.number}: it is closed", "invalid_transition", ticket.status.value)
    if head.status is Status.CLOSED:
        raise Conflict(f"cannot bind to ticket {head.number}: it is closed", "primary_closed", ticket.status.value)
    if ticket.handling.bound:
        raise Conflict(
            f"ticket {ticket.number} is the primary of {len(ticket.handling.bound)} bound tickets and cannot be bound "
            "itself; unlink them first",
            "is_primary",
            ticket.status.value,
        )
    if ticket.handling.primary not in (None, head.number):
        raise Conflict(
            f"ticket {ticket.number} is bound to {ticket.handling.primary}; unlink it first",
            "already_bound",
            ticket.status.value,
        )


def resume_clock(change: Change) -> None:
    """Resume the timers the binding paused, each due moved later by the time paused (the primary's reply reaching the
    ticket, or an unbinding); a resolve timer paused by a question to the customer waits for the answer."""
    calendar = change.rules.calendar(change.ticket)
    asking = change.ticket.status is Status.AWAITING_CUSTOMER
    for name, timer in change.handling.timers.items():
        if not timer.open or timer.paused_at is None or (asking and name is TimerName.RESOLVE):
            continue
        timer.due = calendar.shift(timer.due, timer.paused_at, change.now, timer.unit)
        timer.paused_at = None


# -- reading, binding and storing in one go (staff linking, an incident gathering its tickets) ---------------------


def link(shop: Workshop, runner: ClockRunner, number: str, primary: str, actor: Actor) -> Ticket:
    """Bind ticket `number` to `primary` — or to the primary `primary` is bound to — and store both; the bound ticket
    as saved. NotFound for an unknown `number`; 422 naming `primary` when that ticket does not exist."""

    def attempt(rules: HandlingConfig) -> Ticket:
        ticket = _read(shop, number)
        if primary == number:
            _check(ticket, ticket, primary)
        asked = shop.tickets.get(primary, consistent=True) if is_number(primary) else None
        if asked is None:
            raise InvalidInput("no such primary", [FieldProblem("primary", "no ticket has this number")])
        head = _read(shop, asked.handling.primary) if asked.handling.primary else asked
        bound, main = shop.begin(ticket, actor, rules), shop.begin(head, actor, rules)
        if not bind(bound, main, asked=primary):
            return ticket
        return _store(shop, runner, bound, main)

    return shop.retrying(attempt)


def unlink(shop: Workshop, runner: ClockRunner, number: str, actor: Actor, reason: str | None = None) -> Ticket:
    """Unbind ticket `number` from its primary and store both; the ticket as saved (409 `not_bound` if it is not)."""

    def attempt(rules: HandlingConfig) -> Ticket:
        ticket = _read(shop, number)
        if ticket.handling.primary is None:
            raise Conflict(f"ticket {number} is not bound to a primary", "not_bound", ticket.status.value)
        bound, main = shop.begin(ticket, actor, rules), shop.begin(_read(shop, ticket.handling.primary), actor, rules)
        unbind(bound, main, reason)
        return _store(shop, runner, bound, main)

    return shop.retrying(attempt)


def _read(shop: Workshop, number: str) -> Ticket:
    ticket = shop.tickets.get(number, consistent=True) if is_number(number) else None
    if ticket is None:
        raise NotFound(UNKNOWN)
    return ticket


def _store(shop: Workshop, runner: ClockRunner, bound: Change, primary: Change) -> Ticket:
    restart = reschedule(bound)
    saved, _ = shop.commit_all(bound, primary)
    if restart:
        restart_clock(runner, saved)
    return saved

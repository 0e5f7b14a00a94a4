"""What this process does with each stored ticket write, off the request path (the table stream's consumer,
functions/events, calls it before handing the write on):

- **The primary's reply reaches its bound tickets.** A write of a primary that replies, or binds a ticket while
  replied, gives each bound ticket still open the same result and cause (the primary customer's name and address
  masked): the bound ticket is replied, its clock runs again for the callback, its customer is texted and surveyed
  through its own survey round (customers/surveying.py), and `handling.primary_round` records the primary's round.
  A ticket that already has that round is left alone, so a redelivered write replies each bound ticket once.
- **A primary closed without a reply releases its bound tickets.** (A direct answer, a referral or a duplicate close
  from the dispatch queue.) Each one still waiting is unbound (`ticket.unlinked`), its clock resumed: the unit
  handles it on its own. A primary closed after its reply (resolved by its survey, or no response) closes nothing
  else: each bound ticket has its own survey.
- **Repeat complaints (重复投诉).** A new ticket from a caller with earlier tickets about the same matter
  (duplicates/callers.py) is flagged: `handling.repeat_of` and a `ticket.repeat_complaint` event, once.

Each bound ticket is changed in its own write, under its version (retried when someone else saved first). One that
fails does not stop the others: the write fails after all were tried, and the stream retries it, which finds the
done ones done.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from hotline.domain.changes.binding import resume_clock, unbind
from hotline.domain.changes.change import Change, Workshop
from hotline.domain.changes.due_points import reschedule
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.customers.messages import without_private
from hotline.domain.customers.surveying import SurveyLinks, reply
from hotline.domain.duplicates.callers import MAX_READ, repeat_of
from hotline.domain.duplicates.rules import DuplicateRules
from hotline.domain.duplicates.similar import recent
from hotline.domain.tickets.clock_run import restart_clock
from hotline.domain.tickets.ports import ClockRunner, TicketFilter
from hotline.domain.tickets.ticket import SYSTEM, Status, Ticket, TicketEvent
from hotline.domain.tickets.timers import TimerName

RELEASED = "the primary closed without a reply"


class BoundTicketsFailed(RuntimeError):
    """Some bound tickets could not be changed; the stream retries the primary's write."""


@dataclass
class FollowUp(Workshop):
    runner: ClockRunner = field(kw_only=True)
    links: SurveyLinks = field(kw_only=True)
    duplicate_rules: Callable[[], DuplicateRules] = field(kw_only=True)

    def follow(self, ticket: Ticket, events: Sequence[TicketEvent]) -> None:
        """`ticket` as the write stored it, with the events the write appended."""
        kinds = {event.type for event in events}
        if "ticket.created" in kinds and ticket.phone_hash is not None:
            self.retrying(lambda rules: self._flag_repeat(ticket.number, rules))
        failed = []
        for number in _concerned(ticket, events, kinds):
            try:
                self.retrying(partial(self._pass_on, ticket, number))
            except Exception as error:  # noqa: BLE001 - the others still get theirs; the write is retried
                failed.append((number, error))
        if failed:
            numbers = ", ".join(number for number, _ in failed)
            raise BoundTicketsFailed(f"bound tickets of {ticket.number} not updated: {numbers}") from failed[0][1]

    # -- the primary's reply and close ------------------------------------------------------------------------

    def _pass_on(self, primary: Ticket, number: str, rules: HandlingConfig) -> None:
        bound = self.tickets.get(number, consistent=True)
        if bound is None or bound.handling.primary != primary.number or bound.status is Status.CLOSED:
            return  # unbound, or closed, since
        round_ = primary.handling.counts.replies
        if primary.status is Status.REPLIED and (bound.handling.primary_round or 0) < round_:
            change = self.begin(bound, SYSTEM, rules)
            _answer(change, primary, self.links)
            self._store(change)
        elif primary.status is Status.CLOSED and bound.handling.waits_for_primary:
            head = self.tickets.get(primary.number, consistent=True)
            assert head is not None, "a primary is never deleted"
            change, main = self.begin(bound, SYSTEM, rules), self.begin(head, SYSTEM, rules)
            unbind(change, main, RELEASED)
            self._store(change, main)

    def _store(self, change: Change, *others: Change) -> None:
        restart = reschedule(change)
        saved = self.commit_all(change, *others)[0]
        if restart:
            restart_clock(self.runner, saved)

    # -- repeat complaints --------------------------------------------------------------------------------------

    def _flag_repeat(self, number: str, rules: HandlingConfig) -> None:
        ticket = self.tickets.get(number, consistent=True)
        if ticket is None or ticket.phone_hash is None or ticket.handling.repeat_of:
            return
        duplicate_rules = self.duplicate_rules()
        since = ticket.received_at - timedelta(days=duplicate_rules.repeat_window_days)
        earlier = recent(self.tickets, TicketFilter(phone_hash=ticket.phone_hash, received_since=since), MAX_READ)
        of = repeat_of(ticket, earlier, duplicate_rules)
        if not of:
            return
        change = self.begin(ticket, SYSTEM, rules)
        change.handling.repeat_of = of
        change.record("ticket.repeat_complaint", of=of, window_days=duplicate_rules.repeat_window_days)
        self.commit(change)


def _concerned(primary: Ticket, events: Sequence[TicketEvent], kinds: set[str]) -> list[str]:
    """The bound tickets a primary's write may concern: all of them when it replies or closes, only the newly bound
    ones when it binds while replied."""
    if kinds & {"ticket.replied", "ticket.closed"}:
        return list(primary.handling.bound)
    if primary.status is Status.REPLIED:
        return [str(e.data["bound"]) for e in events if e.type == "ticket.linked" and "bound" in e.data]
    return []


def _answer(change: Change, primary: Ticket, links: SurveyLinks) -> None:
    """The primary's result, as the bound ticket's own reply: timers it had end (the resolve timer met, on time or
    late by its own due), and its callback and survey start."""
    handling = change.handling
    if handling.waits_for_primary:
        resume_clock(change)
    handling.customer_wait = None
    change.cancel(TimerName.DISPATCH, TimerName.ACCEPT, TimerName.CALLBACK)
    change.meet(TimerName.RESOLVE)
    handling.primary_round = primary.handling.counts.replies
    result = without_private(primary.handling.result or "", primary)
    reply(change, result, primary.handling.cause_code or "", links, primary=primary.number)

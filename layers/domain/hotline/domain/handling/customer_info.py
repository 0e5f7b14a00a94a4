"""The customer answers the unit's question (request-info) with the ticket's number and access code."""

from dataclasses import dataclass, field

from hotline.domain.base.errors import Conflict
from hotline.domain.base.privacy import Pepper
from hotline.domain.changes.change import Workshop
from hotline.domain.changes.due_points import reschedule
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.customers.access import admit
from hotline.domain.customers.ports import CodeAttempts
from hotline.domain.handling.lifecycle import resume
from hotline.domain.tickets.clock_run import restart_clock
from hotline.domain.tickets.numbering import is_number
from hotline.domain.tickets.ports import ClockRunner
from hotline.domain.tickets.ticket import CUSTOMER, Status, Ticket


@dataclass
class CustomerInfo(Workshop):
    runner: ClockRunner = field(kw_only=True)
    pepper: Pepper = field(kw_only=True)
    attempts: CodeAttempts = field(kw_only=True)

    def answer(self, number: str, code: str, text: str) -> Ticket:
        """The answer goes on the timeline, the resolve timer resumes and the unit is told. A wrong code is NotFound
        like an unknown number (and counts towards the ticket's limit); a ticket awaiting no answer is a Conflict."""
        ticket = self.tickets.get(number, consistent=True) if is_number(number) else None
        admit(ticket, code, self.pepper, self.attempts, self.clock.now())
        # Checked once: a race lost to a clock wake-up or a staff action re-reads the ticket, not the code.
        return self.retrying(lambda rules: self._answer_once(number, text, rules))

    def _answer_once(self, number: str, text: str, rules: HandlingConfig) -> Ticket:
        ticket = self.tickets.get(number, consistent=True)
        assert ticket is not None  # admitted above; tickets are never deleted
        if ticket.status is not Status.AWAITING_CUSTOMER:
            raise Conflict(
                f"the ticket is {ticket.status.value}: no question is waiting for an answer",
                "invalid_transition",
                ticket.status.value,
            )
        change = self.begin(ticket, CUSTOMER, rules)
        resume(change, text=text)
        # Not the answer itself: it is on the ticket's timeline, and notifications travel further than the ticket.
        change.notify("info_received", 1, f"Ticket {number}: the customer answered your question (see the timeline)")
        restart = reschedule(change)
        saved = self.commit(change)
        if restart:
            restart_clock(self.runner, saved)
        return saved

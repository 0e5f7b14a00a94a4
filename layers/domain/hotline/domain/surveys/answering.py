"""Answering the survey: the customer (access code or the text's one-time link), the partner for its own tickets, or
an agent calling back from the callback queue. One answer per round: a second one is 409."""

from collections.abc import Callable
from dataclasses import dataclass, field

from hotline.domain.base.errors import NotFound
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.base.privacy import Pepper
from hotline.domain.changes.change import Change, Workshop
from hotline.domain.changes.due_points import reschedule
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.customers.access import admit
from hotline.domain.customers.ports import CodeAttempts
from hotline.domain.partners.partner import Partner, partner_actor
from hotline.domain.staff.roles import SUPERVISION_ROLES, Role, StaffMember
from hotline.domain.surveys.outcomes import Answer, CallRecord, pending, take_answer, unreached
from hotline.domain.surveys.ports import CallbackQueue
from hotline.domain.tickets.clock_run import restart_clock
from hotline.domain.tickets.numbering import UNKNOWN, is_number
from hotline.domain.tickets.ports import ClockRunner
from hotline.domain.tickets.survey import SurveyChannel
from hotline.domain.tickets.ticket import Actor, Ticket

CALLBACK_ROLES = SUPERVISION_ROLES | {Role.AGENT}
"""Who calls customers back (回访) and records the call."""

CUSTOMER = Actor(role="customer")


def may_record_call(staff: StaffMember, ticket: Ticket) -> bool:
    """Whether `staff` may record a callback call on `ticket` now: a survey waits for the customer's answer."""
    return bool(staff.roles & CALLBACK_ROLES) and staff.can_see(ticket) and ticket.pending_survey is not None


@dataclass
class Surveys(Workshop):
    runner: ClockRunner = field(kw_only=True)
    pepper: Pepper = field(kw_only=True)
    attempts: CodeAttempts = field(kw_only=True)
    queue: CallbackQueue = field(kw_only=True)

    def answer(self, number: str, code: str, answer: Answer) -> Ticket:
        """The customer's answer; `code` is the access code or the survey link's token (wrong: 404, counted with
        wrong access codes for tracking; a link that no longer lasts: 410; an answered round: 409 as below)."""
        admit(self._get(number), code, self.pepper, self.attempts, self.clock.now(), survey_link=True)
        return self._change(number, CUSTOMER, lambda change: take_answer(change, pending(change), answer))

    def answer_for_partner(self, number: str, partner: Partner, answer: Answer) -> Ticket:
        """The partner submits its customer's answer to a `partner` survey of one of its own tickets."""
        ticket = self._get(number)
        if ticket is None or ticket.partner_id != partner.id:
            raise NotFound(UNKNOWN)
        return self._change(
            number,
            partner_actor(partner.id),
            lambda change: take_answer(change, pending(change, SurveyChannel.PARTNER), answer),
        )

    def callbacks(self, staff: StaffMember, page: PageRequest) -> Page[Ticket]:
        """Replied tickets waiting for a callback call, oldest callback due first."""
        staff.require_any(CALLBACK_ROLES, "the callback queue")
        return self.queue.callbacks(page)

    def record_call(self, number: str, staff: StaffMember, call: CallRecord) -> Ticket:
        """A callback call: the customer's answer when reached (any channel's pending survey, e.g. a text that got no
        answer), or one more attempt that did not reach them."""
        staff.require_any(CALLBACK_ROLES, "recording a callback")
        answer = call.answer()
        ticket = self._get(number)
        if ticket is None or not staff.can_see(ticket):
            raise NotFound(UNKNOWN)

        def apply(change: Change) -> None:
            survey = pending(change)
            if answer is None:
                unreached(change, survey)
            else:
                take_answer(change, survey, answer)

        return self._change(number, staff.actor, apply)

    def _get(self, number: str) -> Ticket | None:
        return self.tickets.get(number, consistent=True) if is_number(number) else None

    def _change(self, number: str, actor: Actor, apply: Callable[[Change], None]) -> Ticket:
        """Apply to the ticket as it is now (again on the newer one when another writer saved first)."""

        def once(rules: HandlingConfig) -> Ticket:
            ticket = self._get(number)
            if ticket is None:
                raise NotFound(UNKNOWN)
            change = self.begin(ticket, actor, rules)
            apply(change)
            restart = reschedule(change)
            saved = self.commit(change)
            if restart:
                restart_clock(self.runner, saved)
            return saved

        return self.retrying(once)

"""The survey sweep (an EventBridge Scheduler schedule runs it every few minutes): for each ticket whose
`customer_due` has come, hand on the texts quiet hours held back, send the survey they held (with a fresh link), and
close unanswered `sms` and `partner` surveys past their window `no_response`.

Idempotent by the ticket's version: a wake-up that finds nothing due changes nothing, so a schedule firing twice
sends one text and closes once (two at the same moment: one saves, the other retries on the newer ticket and finds
nothing left to do).
"""

from dataclasses import dataclass, field
from datetime import datetime

from hotline.domain.base.paging import PageRequest
from hotline.domain.changes.change import Workshop
from hotline.domain.changes.due_points import reschedule
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.customers.messages import release_held
from hotline.domain.customers.surveying import SurveyLinks, send_due_survey
from hotline.domain.surveys.outcomes import expire
from hotline.domain.tickets.clock_run import restart_clock
from hotline.domain.tickets.ports import ClockRunner
from hotline.domain.tickets.ticket import SYSTEM

PAGE_SIZE = 100


class SweepIncomplete(RuntimeError):
    """Some due tickets could not be handled (the others were); the next run tries them again."""

    def __init__(self, numbers: list[str]) -> None:
        super().__init__(f"{len(numbers)} due tickets failed: {', '.join(numbers[:20])}")
        self.numbers = numbers


@dataclass
class SurveySweep(Workshop):
    runner: ClockRunner = field(kw_only=True)
    links: SurveyLinks = field(kw_only=True)
    """Makes the one-time link of a survey text sent once quiet hours are over."""

    def sweep(self, until: datetime) -> int:
        """Wake every ticket whose `customer_due` is at or before `until`; returns how many changed. One failing
        ticket does not stop the others: SweepIncomplete names the failures after all were tried."""
        changed, failed = 0, list[str]()
        token: str | None = None
        while True:
            page = self.tickets.customer_due(until, PageRequest(limit=PAGE_SIZE, token=token))
            for number in page.items:
                try:
                    changed += self.wake(number)
                except Exception:  # noqa: BLE001 - named in SweepIncomplete, which the schedule's retry sees
                    failed.append(number)
            if page.next is None:
                break
            token = page.next
        if failed:
            raise SweepIncomplete(failed)
        return changed

    def wake(self, number: str) -> bool:
        """Do what has come due for the ticket now; True when that changed it."""
        return self.retrying(lambda rules: self._wake_once(number, rules))

    def _wake_once(self, number: str, rules: HandlingConfig) -> bool:
        ticket = self.tickets.get(number, consistent=True)
        if ticket is None:
            return False
        change = self.begin(ticket, SYSTEM, rules)
        release_held(change)
        send_due_survey(change, self.links)
        survey = change.ticket.pending_survey
        if survey is not None and survey.expires_at is not None and survey.expires_at <= change.now:
            expire(change, survey)
        if change.ticket == ticket:
            return False
        restart = reschedule(change)
        saved = self.commit(change)
        if restart:
            restart_clock(self.runner, saved)
        return True

"""A ticket's clock runs as one Step Functions execution per generation; intake and staff actions start it."""

from contextlib import suppress

from hotline.domain.tickets.ports import ClockNotStarted, ClockRunner
from hotline.domain.tickets.ticket import Ticket


def restart_clock(runner: ClockRunner, ticket: Ticket) -> None:
    """Run the clock generation a committed change set. The change is stored, so the request has succeeded
    whatever happens here: a clock that does not start now is started from the same committed change by
    the table stream's consumer (functions/events), which retries until it does."""
    clock = ticket.handling.clock
    with suppress(ClockNotStarted):
        runner.restart(ticket.number, clock.generation, clock.wake_at)

"""What follows a reply, whoever decides it (staff, the customer's survey, an unanswered survey): the ticket closes,
or goes back to its unit for rework (发回重办)."""

from typing import Any

from hotline.domain.changes.change import Change
from hotline.domain.config.ladder import Counter
from hotline.domain.tickets.ticket import Resolution, Status
from hotline.domain.tickets.timers import TimerName


def close(change: Change, resolution: Resolution, **data: Any) -> None:
    """Closed with `resolution`; every open timer ends (a resolved ticket's callback is met: someone called back)."""
    if resolution is Resolution.RESOLVED:
        change.meet(TimerName.CALLBACK)
    change.cancel(*TimerName)
    change.ticket.status, change.handling.resolution = Status.CLOSED, resolution
    change.record("ticket.closed", resolution=resolution.value, **data)


def reopen(change: Change, reason: str, **data: Any) -> None:
    """Back to the unit that replied (in_progress, a fresh resolve timer), or to the dispatch queue when no unit holds
    it; counted as a rework. The ladder's count steps escalate, and at its `problem_reworks` the ticket becomes a
    problem ticket (问题工单)."""
    ticket, handling = change.ticket, change.handling
    change.cancel(TimerName.CALLBACK)
    handling.resolution = None
    handling.counts.reopened += 1
    if ticket.unit_id:
        ticket.status = Status.IN_PROGRESS
        handling.timers[TimerName.RESOLVE] = change.rules.start_timer(ticket, TimerName.RESOLVE, change.now)
    else:
        ticket.status = Status.RECEIVED
        handling.timers[TimerName.DISPATCH] = change.rules.start_timer(ticket, TimerName.DISPATCH, change.now)
    reworks = handling.counts.reopened
    if not handling.problem and reworks >= change.rules.ladder.problem_reworks:
        handling.problem = True
        data["problem"] = True  # this rework made it a problem ticket
    change.record("ticket.reopened", reason=reason, rework=reworks, **data)
    change.escalate_on_count(Counter.REOPENED, reworks)

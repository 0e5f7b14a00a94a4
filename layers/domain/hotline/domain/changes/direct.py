"""Closing a ticket where it was received (直办): answered or referred at intake or by the close action, and a
praise once its unit has it. Such a ticket never reaches a unit's clocked timers."""

from hotline.domain.changes.change import Change
from hotline.domain.tickets.disposition import Disposition
from hotline.domain.tickets.ticket import Resolution, Status
from hotline.domain.tickets.timers import TimerName


def close_directly(change: Change, disposition: Disposition) -> None:
    """Closed with the disposition's resolution; the answer (or the referral) is the result the customer and the
    partner read, and the cited knowledge articles stay on the ticket and its `ticket.closed` event."""
    handling = change.handling
    handling.result = handling.public_note = disposition.public_text
    handling.referred_to = disposition.agency if disposition.resolution is Resolution.REFERRED else None
    handling.articles = list(disposition.articles)
    change.cancel(*TimerName)
    change.ticket.status, handling.resolution = Status.CLOSED, disposition.resolution
    change.record(
        "ticket.closed",
        resolution=disposition.resolution.value,
        note=disposition.note,
        answer=disposition.answer,
        agency=disposition.agency,
        articles=handling.articles,
    )

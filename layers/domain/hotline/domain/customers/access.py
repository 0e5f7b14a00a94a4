"""A customer reaches a ticket with its number and access code, on every customer route (track, answer a question).

After MAX_WRONG_CODES wrong codes within WRONG_CODE_WINDOW (counted from the first) the ticket answers "too many
attempts" until that window ends, whatever code is sent: guessing gets at most MAX_WRONG_CODES tries per window,
and the answer then says nothing about a code. A wrong code answers exactly like an unknown number.
"""

from datetime import datetime, timedelta

from hotline.domain.base.errors import NotFound, TooManyAttempts
from hotline.domain.base.privacy import Pepper
from hotline.domain.customers.ports import CodeAttempts
from hotline.domain.tickets.numbering import UNKNOWN
from hotline.domain.tickets.ticket import Ticket

MAX_WRONG_CODES = 10
WRONG_CODE_WINDOW = timedelta(hours=1)


def admit(
    ticket: Ticket | None,
    code: str,
    pepper: Pepper,
    attempts: CodeAttempts,
    now: datetime,
    *,
    token_hash: str | None = None,
) -> Ticket:
    """`ticket` when `code` is its access code (or the one-time link's token whose keyed hash is `token_hash`);
    NotFound for no ticket or a wrong code (counted), TooManyAttempts while the ticket's window of wrong codes is
    full."""
    if ticket is None:
        raise NotFound(UNKNOWN)
    if attempts.failures(ticket.number, now) >= MAX_WRONG_CODES:
        raise TooManyAttempts("too many wrong access codes for this ticket; try again later")
    token_matches = token_hash is not None and pepper.link_token_matches(ticket.number, code, token_hash)
    if not (token_matches or pepper.access_code_matches(ticket.id, code, ticket.access_code_hash)):
        attempts.fail(ticket.number, now, WRONG_CODE_WINDOW)
        raise NotFound(UNKNOWN)
    return ticket

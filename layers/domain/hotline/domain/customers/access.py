"""A customer reaches a ticket with its number and access code, on every customer route (track, answer a question,
answer the survey); tracking and the survey take the text's survey link too, while it lasts.

After MAX_WRONG_CODES wrong codes within WRONG_CODE_WINDOW (counted from the first) the ticket answers "too many
attempts" until that window ends, whatever code is sent: guessing gets at most MAX_WRONG_CODES tries per window,
and the answer then says nothing about a code. A wrong code answers exactly like an unknown number.
"""

from datetime import datetime, timedelta

from hotline.domain.base.errors import Gone, NotFound, TooManyAttempts
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
    survey_link: bool = False,
) -> Ticket:
    """`ticket` when `code` is its access code, or (`survey_link`) the token of its survey link while the link lasts
    (`survey_link_lasts`). NotFound for no ticket or a wrong code (counted), Gone for the token of a link that no
    longer lasts (not counted: a token cannot be guessed), TooManyAttempts while the ticket's window of wrong codes is
    full."""
    if ticket is None:
        raise NotFound(UNKNOWN)
    if attempts.failures(ticket.number, now) >= MAX_WRONG_CODES:
        raise TooManyAttempts("too many wrong access codes for this ticket; try again later")
    if pepper.access_code_matches(ticket.id, code, ticket.access_code_hash):
        return ticket
    # Only the latest round's token hash is kept: an older round's link is a wrong code like any other.
    survey = ticket.handling.survey if survey_link else None
    if survey and survey.token_hash and pepper.link_token_matches(ticket.number, code, survey.token_hash):
        if not survey_link_lasts(ticket, now):
            raise Gone("this survey link has expired", "survey_link_expired")
        return ticket
    attempts.fail(ticket.number, now, WRONG_CODE_WINDOW)
    raise NotFound(UNKNOWN)


def survey_link_lasts(ticket: Ticket, now: datetime) -> bool:
    """The latest round's link opens the ticket while that survey waits for the answer (even past `expires_at` until
    the sweep ends it, as the answer is taken), and once answered until `expires_at`, so that the customer can come
    back to see what the answer did; a round that ended unanswered (expired, or a staff close or reopen) ends it."""
    survey = ticket.handling.survey
    if survey is None:
        return False
    if ticket.pending_survey is not None:
        return True
    return survey.answered_at is not None and survey.expires_at is not None and now < survey.expires_at

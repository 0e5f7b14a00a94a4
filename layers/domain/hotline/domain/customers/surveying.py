"""The callback survey (反馈回访) of each reply round: which channel reaches the customer, and sending it.

- `sms` (web, mobile and Open311 tickets with a mobile number): the reply's text carries the result and a one-time
  link; quiet hours hold it until 08:00, when the survey sweep sends it. The link's token is made when the text goes
  (the ticket never holds a live token while a text waits) and only its keyed hash is stored.
- `partner` (partner tickets): sent at once, as the `survey.sent` event the partner's webhook receives.
- `call` (phone, letter, visit … or no mobile number): waits in the callback queue for an agent; it never expires.

An `sms` or `partner` survey expires `survey_window` (policy data) after it was sent.
"""

import secrets
from dataclasses import dataclass
from typing import Any

from hotline.domain.base.clock import to_iso_z
from hotline.domain.base.privacy import Pepper
from hotline.domain.changes.change import Change
from hotline.domain.customers.messages import e164, sending_opens, tell
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.customer_message import MessageKind
from hotline.domain.tickets.survey import Survey, SurveyChannel
from hotline.domain.tickets.ticket import Status, Ticket
from hotline.domain.tickets.timers import TimerName

TEXTED = frozenset({Channel.WEB, Channel.MOBILE})
"""Channels whose customers are surveyed by text; Open311 tickets (partner channel) are too (`Ticket.open311`)."""


@dataclass(frozen=True)
class SurveyLinks:
    """One-time links to the survey page of the public site (`site`, e.g. https://12345.example.gov.cn)."""

    site: str
    pepper: Pepper

    def new(self, number: str) -> tuple[str, str]:
        """A fresh link and the keyed hash of its token (only the hash is stored)."""
        token = secrets.token_urlsafe(16)
        return f"{self.site.rstrip('/')}/survey/{number}?code={token}", self.pepper.link_token_hash(number, token)


def survey_channel(ticket: Ticket) -> SurveyChannel:
    mobile = ticket.contact is not None and ticket.contact.phone is not None and e164(ticket.contact.phone) is not None
    if mobile and (ticket.channel in TEXTED or ticket.open311):
        return SurveyChannel.SMS
    if ticket.partner_id is not None:
        return SurveyChannel.PARTNER
    return SurveyChannel.CALL


def reply(change: Change, result: str, cause_code: str, links: SurveyLinks, **data: Any) -> None:
    """The result reaches the customer: the ticket is replied, its callback timer starts and the round's survey opens
    (a unit's reply, or its primary's reaching a bound ticket)."""
    ticket, handling = change.ticket, change.handling
    handling.timers[TimerName.CALLBACK] = change.rules.start_timer(ticket, TimerName.CALLBACK, change.now)
    handling.result, handling.cause_code, handling.public_note = result, cause_code, result
    handling.extension = None
    ticket.status = Status.REPLIED
    change.record("ticket.replied", result=result, cause_code=cause_code, **data)
    open_survey(change, links)


def open_survey(change: Change, links: SurveyLinks) -> Survey:
    """The survey of the reply this change records (a new round), sent now when its channel and the hour allow."""
    handling = change.handling
    handling.counts.replies += 1
    survey = Survey(round=handling.counts.replies, channel=survey_channel(change.ticket), opened_at=change.now)
    handling.survey = survey
    if survey.channel is SurveyChannel.SMS:
        survey.send_at = change.now
        send_due_survey(change, links)
    elif survey.channel is SurveyChannel.PARTNER:
        _sent(change, survey)
    return survey


def send_due_survey(change: Change, links: SurveyLinks) -> None:
    """Text the pending `sms` survey whose time has come, with the reply's result and a fresh link; in quiet hours it
    waits for them to end (the sweep comes back then)."""
    survey = change.ticket.pending_survey
    if survey is None or survey.channel is not SurveyChannel.SMS or survey.sent_at is not None:
        return
    if survey.send_at is None or survey.send_at > change.now:
        return
    opens = sending_opens(change.now, change.rules.calendar(change.ticket).time_zone)
    if opens > change.now:
        survey.send_at = opens
        return
    link, survey.token_hash = links.new(change.ticket.number)
    tell(change, MessageKind.REPLY, result=change.handling.result or "", link=link)
    _sent(change, survey)


def _sent(change: Change, survey: Survey) -> None:
    survey.sent_at = change.now
    survey.expires_at = change.rules.calendar(change.ticket).deadline(
        change.now, change.rules.policy(change.ticket).survey_window
    )
    change.record(
        "survey.sent", round=survey.round, channel=survey.channel.value, expires_at=to_iso_z(survey.expires_at)
    )

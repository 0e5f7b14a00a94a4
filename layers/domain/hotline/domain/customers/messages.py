"""Telling the customer by text: a message from a template, sent with the change or held back by quiet hours."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline.domain.changes.change import Change
from hotline.domain.tickets.customer_message import CustomerMessage, MessageKind
from hotline.domain.tickets.ticket import Ticket

QUIET_ENDS, QUIET_STARTS = time(8, 0), time(21, 0)
"""Texts go out between 08:00 and 21:00 in the calendar's zone (DESIGN.md §5)."""

MASK = "***"


def e164(phone: str) -> str | None:
    """The number as SMS gateways want it; mainland numbers without a country code are +86."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+"):
        return f"+{digits}"
    if digits.startswith("00"):
        return f"+{digits[2:]}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"+86{digits}"
    return None


def sending_opens(now: datetime, zone: str) -> datetime:
    """`now` if texts may go out now, otherwise the next 08:00 in `zone`."""
    local = now.astimezone(ZoneInfo(zone))
    if QUIET_ENDS <= local.time() < QUIET_STARTS:
        return now
    day = local.date() if local.time() < QUIET_ENDS else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_ENDS, tzinfo=ZoneInfo(zone)).astimezone(now.tzinfo)


def track_link(site: str, number: str) -> str:
    """The customer's page of the ticket (it asks for the access code)."""
    return f"{site.rstrip('/')}/track/{number}"


def tell(change: Change, kind: MessageKind, **fields: str) -> CustomerMessage | None:
    """Text the ticket's customer from the kind's template (None when there is no mobile number to text, or the
    customer came through a partner's own app). Sent with this change, or held on the ticket until quiet hours end;
    `release_held` hands it on then."""
    ticket = change.ticket
    if ticket.partner_id is not None and not ticket.open311:
        return None  # the partner tells its customers, from the webhooks (its survey goes through it too)
    contact = ticket.contact
    to = e164(contact.phone) if contact and contact.phone else None
    if to is None:
        return None
    private = _private_words(change.ticket)
    filled = {name: _masked(value, private) for name, value in fields.items()}
    text = change.rules.template(kind).format(number=change.ticket.number, **filled)
    not_before = sending_opens(change.now, change.rules.calendar(change.ticket).time_zone)
    message = CustomerMessage(
        id=change.new_id(change.now),
        number=change.ticket.number,
        kind=kind,
        to=to,
        text=text,
        at=change.now,
        not_before=not_before,
    )
    if not_before <= change.now:
        change.messages.append(message)
    else:
        change.handling.held_messages.append(message)
    return message


def without_private(text: str, ticket: Ticket) -> str:
    """`text` with the name and address the ticket's customer gave replaced by ***: a unit's words written for one
    customer and passed on to others (the primary's reply reaching its bound tickets)."""
    return _masked(text, _private_words(ticket))


def _private_words(ticket: Ticket) -> list[str]:
    """The customer's name and address as given, longest first: a unit's words filled into a text never repeat them."""
    words = [ticket.contact.name if ticket.contact else None, ticket.location.address if ticket.location else None]
    return sorted((w for w in words if w and len(w) > 1), key=len, reverse=True)


def _masked(value: str, private: list[str]) -> str:
    for word in private:
        value = value.replace(word, MASK)
    return value


def release_held(change: Change) -> None:
    """Hand on the held texts whose quiet hours are over."""
    held = change.handling.held_messages
    change.messages.extend(m for m in held if m.not_before <= change.now)
    change.handling.held_messages = [m for m in held if m.not_before > change.now]


def next_release(change: Change) -> datetime | None:
    return min((m.not_before for m in change.handling.held_messages), default=None)

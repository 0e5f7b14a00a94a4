"""Telling the customer by text: a message from a template, sent with the change or held back by quiet hours."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline.domain.changes.change import Change
from hotline.domain.tickets.customer_message import CustomerMessage, MessageKind

QUIET_ENDS, QUIET_STARTS = time(8, 0), time(21, 0)
"""Texts go out between 08:00 and 21:00 in the calendar's zone (DESIGN.md §5)."""

TEMPLATES: dict[MessageKind, str] = {
    MessageKind.RECEIPT: "【12345热线】您的诉求已受理，工单号{number}，查询码{code}，请妥善保存。查询进度：{link}",
    MessageKind.QUESTION: "【12345热线】工单{number}：承办单位需要您补充信息：{question}。请回复：{link}",
    MessageKind.REPLY: "【12345热线】工单{number}已办理：{result}。请评价办理结果：{link}",
    MessageKind.SURVEY: "【12345热线】请评价工单{number}的办理结果：{link}",
}


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


def tell(change: Change, kind: MessageKind, **fields: str) -> CustomerMessage | None:
    """Text the ticket's customer (None when there is no mobile number to text). Sent with this change, or held on
    the ticket until quiet hours end; `release_held` hands it on then."""
    contact = change.ticket.contact
    to = e164(contact.phone) if contact and contact.phone else None
    if to is None:
        return None
    text = TEMPLATES[kind].format(number=change.ticket.number, **fields)
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


def release_held(change: Change) -> None:
    """Hand on the held texts whose quiet hours are over."""
    held = change.handling.held_messages
    change.messages.extend(m for m in held if m.not_before <= change.now)
    change.handling.held_messages = [m for m in held if m.not_before > change.now]


def next_release(change: Change) -> datetime | None:
    return min((m.not_before for m in change.handling.held_messages), default=None)

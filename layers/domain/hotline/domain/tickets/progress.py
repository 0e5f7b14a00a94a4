"""What the customer reads of a ticket's progress: Chinese labels and the public timeline.

The public timeline keeps only what the customer can act on or wants to know — receipt, dispatch, a question,
the reply, the close, the survey — with the texts meant for them. Reminders, breaches, escalations, urging,
supervision, returns and staff notes are the centre's own business and never shown.
"""

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.tickets.disposition import referral_text
from hotline.domain.tickets.survey import Grade
from hotline.domain.tickets.ticket import Resolution, Status, TicketEvent

STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: "已受理",
    Status.DISPATCHED: "已派单",
    Status.IN_PROGRESS: "办理中",
    Status.AWAITING_CUSTOMER: "待补充材料",
    Status.REPLIED: "已答复",
    Status.CLOSED: "已办结",
}

RESOLUTION_LABELS: dict[Resolution, str] = {
    Resolution.RESOLVED: "已解决",
    Resolution.DIRECT_ANSWER: "直接答复",
    Resolution.REFERRED: "告知转办",
    Resolution.DUPLICATE: "重复诉求",
    Resolution.NO_RESPONSE: "回访未获回复",
}

GRADE_LABELS: dict[Grade, str] = {
    Grade.SATISFIED: "满意",
    Grade.BASICALLY_SATISFIED: "基本满意",
    Grade.DISSATISFIED: "不满意",
}


class PublicEntry(BaseModel):
    type: str = Field(examples=["ticket.replied"])
    label: str = Field(examples=["已答复"])
    at: UtcDatetime
    text: str | None = Field(default=None, description="What the customer is told: the question, the result …")


def _closed(data: dict[str, Any]) -> tuple[str, str | None]:
    resolution = Resolution(data["resolution"])
    agency = data.get("agency")
    text = data.get("answer") or (referral_text(agency) if agency else None)
    return f"已办结（{RESOLUTION_LABELS[resolution]}）", text


def _answered(data: dict[str, Any]) -> tuple[str, str | None]:
    grade = data.get("grade")
    return "您已评价", GRADE_LABELS[Grade(grade)] if grade in set(Grade) else None


def _fixed(label: str, text_key: str | None = None) -> Callable[[dict[str, Any]], tuple[str, str | None]]:
    return lambda data: (label, data.get(text_key) if text_key else None)


SHOWN: dict[str, Callable[[dict[str, Any]], tuple[str, str | None]]] = {
    "ticket.created": _fixed("已受理"),
    "ticket.dispatched": _fixed("已派单至承办单位"),
    "ticket.accepted": _fixed("承办单位已接单，正在办理"),
    "ticket.info_requested": _fixed("请您补充材料", "question"),
    # The customer's own words (`text`) are theirs to read; a staff member's `note` is not.
    "ticket.info_received": _fixed("已收到补充材料，继续办理", "text"),
    "ticket.extension_decided": _fixed("办理时限已延长"),
    "ticket.replied": _fixed("已答复", "result"),
    "ticket.closed": _closed,
    "ticket.reopened": _fixed("重新办理"),
    "ticket.linked": lambda data: ("与同一事项的工单合并办理", f"将与工单{data['primary']}一并办理并答复"),
    "ticket.unlinked": _fixed("恢复单独办理"),
    "ticket.published": _fixed("已在公开地图公布"),
    "ticket.unpublished": _fixed("已从公开地图撤下"),
    "survey.sent": _fixed("已邀请您评价办理结果"),
    "survey.answered": _answered,
    "survey.expired": _fixed("评价期已过"),
}
"""Each event the customer sees, and how it reads (label, text) from the event's data."""


def _shown(event: TicketEvent) -> bool:
    if event.type == "ticket.extension_decided":
        return bool(event.data.get("approved"))  # a refused request changed nothing the customer sees
    if event.type in ("ticket.linked", "ticket.unlinked"):
        return "primary" in event.data  # the bound ticket's own; a primary's customer reads nothing of others'
    return event.type in SHOWN


def public_timeline(events: list[TicketEvent]) -> list[PublicEntry]:
    entries = []
    for event in filter(_shown, events):
        label, text = SHOWN[event.type](event.data)
        entries.append(PublicEntry(type=event.type, label=label, at=event.at, text=text))
    return entries

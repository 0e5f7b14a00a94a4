"""What customers and partners read of a ticket: Chinese labels, the public timeline, the outcome without internals."""

from datetime import UTC, datetime
from typing import Any

from hotline.domain.tickets.progress import RESOLUTION_LABELS, STATUS_LABELS, public_timeline
from hotline.domain.tickets.survey import Grade, Survey, SurveyChannel
from hotline.domain.tickets.ticket import Actor, Resolution, Status, Ticket, TicketEvent
from hotline.domain.tickets.view import TicketView

AT = datetime(2026, 11, 21, 8, tzinfo=UTC)
UNIT = Actor(role="unit", id="sub-sun-urban")


def event(event_type: str, actor: Actor = UNIT, **data: Any) -> TicketEvent:
    return TicketEvent(id=event_type, type=event_type, number="2611-000001", actor=actor, at=AT, data=data)


def test_every_status_and_resolution_has_a_chinese_label() -> None:
    assert set(STATUS_LABELS) == set(Status)
    assert set(RESOLUTION_LABELS) == set(Resolution)
    assert STATUS_LABELS[Status.AWAITING_CUSTOMER] == "待补充材料"
    assert STATUS_LABELS[Status.CLOSED] == "已办结"


def test_the_public_timeline_shows_what_the_customer_is_told_and_hides_the_centres_internals() -> None:
    events = [
        event("ticket.created", Actor(role="citizen")),
        event("ticket.reminded", Actor(role="system"), timer="dispatch", fraction=0.5, to=["hotline-office"]),
        event("ticket.dispatched", unit_id="district-urban-management", auto=True),
        event("ticket.escalated", level=2, reason="supervised", to=["hotline-office"]),
        event("ticket.urged", note="请抓紧", to=["district-urban-management"]),
        event("ticket.accepted", note="内部备注"),
        event("ticket.info_requested", question="请提供具体门牌号"),
        event("ticket.info_received", Actor(role="customer"), text="幸福路8号", paused_seconds=60.0),
        event("ticket.info_received", Actor(role="agent", id="agent1"), note="坐席记录：内部备注", paused_seconds=0.0),
        event("ticket.extension_decided", approved=False, note="不同意"),
        event("ticket.replied", result="已责令施工方夜间停工", cause_code="construction.permit"),
        event("survey.answered", grade="basically_satisfied", solved=True),
        event("ticket.closed", resolution="resolved", note="市民满意"),
    ]

    timeline = public_timeline(events)

    assert [(e.type, e.label, e.text) for e in timeline] == [
        ("ticket.created", "已受理", None),
        ("ticket.dispatched", "已派单至承办单位", None),
        ("ticket.accepted", "承办单位已接单，正在办理", None),
        ("ticket.info_requested", "请您补充材料", "请提供具体门牌号"),
        ("ticket.info_received", "已收到补充材料，继续办理", "幸福路8号"),
        ("ticket.info_received", "已收到补充材料，继续办理", None),
        ("ticket.replied", "已答复", "已责令施工方夜间停工"),
        ("survey.answered", "您已评价", "基本满意"),
        ("ticket.closed", "已办结（已解决）", None),
    ]
    shown = str([e.model_dump() for e in timeline])
    internals = (
        "sub-sun-urban",
        "agent1",
        "district-urban-management",
        "hotline-office",
        "construction.permit",
        "内部备注",
    )
    for internal in internals:
        assert internal not in shown


def test_a_direct_close_shows_the_answer_or_where_to_turn() -> None:
    answered = event("ticket.closed", resolution="direct_answer", answer="末班车22:30", agency=None, note="已解答")
    referred = event("ticket.closed", resolution="referred", answer=None, agency="12348", note="劳动争议")

    texts = [(e.label, e.text) for e in public_timeline([answered, referred])]

    assert texts[0] == ("已办结（直接答复）", "末班车22:30")
    assert texts[1][0] == "已办结（告知转办）"
    assert texts[1][1] is not None and "12348" in texts[1][1]


def test_the_partners_view_carries_the_outcome_and_the_survey_but_no_escalation_level() -> None:
    ticket = Ticket.model_validate(
        {
            "id": "t1",
            "number": "2611-000001",
            "access_code_hash": "h",
            "channel": "partner",
            "type": "complaint",
            "category": "urban.noise",
            "subject": "夜间施工",
            "description": "工地深夜施工",
            "status": "closed",
            "received_at": AT,
            "updated_at": AT,
            "handling": {
                "escalation_level": 3,
                "result": "已责令停工",
                "cause_code": "construction.permit",
                "resolution": "resolved",
                "survey": Survey(
                    round=1,
                    channel=SurveyChannel.PARTNER,
                    opened_at=AT,
                    answered_at=AT,
                    grade=Grade.SATISFIED,
                    solved=True,
                    comment="谢谢",
                ).model_dump(),
            },
        }
    )

    view = TicketView.of(ticket).model_dump(mode="json")

    assert (view["result"], view["resolution"], view["cause_code"]) == ("已责令停工", "resolved", "construction.permit")
    assert view["survey"] == {"grade": "satisfied", "solved": True, "answered_at": "2026-11-21T08:00:00.000Z"}
    assert "escalation_level" not in view

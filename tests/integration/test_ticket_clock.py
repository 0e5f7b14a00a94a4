"""The ticket clock end to end: the real ASL under moto, the real clock and API handlers, time sped up.

Policies here count natural minutes so the scenarios run in seconds; the calendar maths is covered by the
unit tests. Each scenario prints its state transitions (tests/bench reports them all).
"""

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from hotline.domain.base.calendar import Duration, DurationUnit
from hotline.domain.base.clock import parse_iso
from hotline.domain.config.ladder import DEFAULT_LADDER, Ladder, TimeStep
from hotline.domain.config.policies import PolicyBook, SlaPolicy
from hotline.domain.tickets.timers import TimerName
from hotline.services import api_services

from tests.integration.clock_harness import ClockHarness, clock_harness, save_rules
from tests.integration.conftest import staff_claims
from tests.support.forms import BUS, FORM

UNIT = staff_claims("unit", unit="district-urban-management", username="unit1")
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
SUPERVISOR = staff_claims("supervisor", username="supervisor1")
AGENT = staff_claims("agent", username="agent1")
UNROUTABLE = {**FORM, **BUS}


def minutes(amount: int) -> Duration:
    return Duration(amount=amount, unit=DurationUnit.MINUTES)


FAST = PolicyBook(
    policies=[
        SlaPolicy(
            targets={
                TimerName.DISPATCH: minutes(60),
                TimerName.ACCEPT: minutes(60),
                TimerName.RESOLVE: minutes(120),
                TimerName.CALLBACK: minutes(600),
            }
        )
    ]
)
FAST_LADDER = Ladder(
    time_steps=[
        TimeStep(level=1, after=minutes(0)),
        TimeStep(level=2, after=minutes(60)),
        TimeStep(level=3, after=minutes(120)),
        TimeStep(level=4, after=minutes(180)),
    ],
    count_steps=DEFAULT_LADDER.count_steps,
)


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[ClockHarness]:
    """A minute per second: nothing comes due while a test acts."""
    with clock_harness(monkeypatch, time_scale=60) as harness:
        save_rules(FAST, FAST_LADDER)
        yield harness


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> Iterator[ClockHarness]:
    """Two hours per second: the ladder climbs while the test watches."""
    with clock_harness(monkeypatch, time_scale=7200) as harness:
        save_rules(FAST, FAST_LADDER)
        yield harness


def submit(clock: ClockHarness, form: dict[str, Any] = FORM) -> str:
    reply = clock.api.call("POST", "/v1/tickets", form)
    assert reply.status == 201, reply.body
    return str(reply.body["number"])


def act(clock: ClockHarness, number: str, action: str, claims: dict[str, Any], **body: Any) -> dict[str, Any]:
    reply = clock.api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=claims)
    assert reply.status == 200, reply.body
    return dict(reply.body)


def types(ticket: dict[str, Any]) -> list[str]:
    return [event["type"] for event in ticket["timeline"]]


def deadline(ticket: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in ticket["handling"]["deadlines"] if d["name"] == name)


def dispatched(ticket: dict[str, Any]) -> bool:
    return ticket["status"] == "dispatched"


def test_auto_dispatched_accepted_and_replied_on_time_in_four_transitions(slow: ClockHarness) -> None:
    number = submit(slow)
    ticket = slow.wait_for(number, DISPATCHER, dispatched)
    assert ticket["unit_id"] == "district-urban-management"
    assert ticket["timeline"][1]["data"]["auto"] is True
    act(slow, number, "accept", UNIT)
    replied = act(slow, number, "reply", UNIT, result="已责令工地停止夜间施工", cause_code="construction.permit")

    assert types(replied)[:4] == ["ticket.created", "ticket.dispatched", "ticket.accepted", "ticket.replied"]
    resolve = deadline(replied, "resolve")
    assert resolve["met_at"] is not None and resolve["breached_at"] is None
    callback = deadline(replied, "callback")
    started, due = parse_iso(callback["started_at"]), parse_iso(callback["due"])
    assert parse_iso(replied["handling"]["next_wake"]) == started + (due - started) * 0.5  # its first reminder
    # The third generation sleeps until the callback needs the clock; answering the survey stops it there.
    assert [e["status"] for e in slow.executions(number)] == ["ABORTED", "ABORTED", "RUNNING"]
    transitions = slow.transitions(number)
    print(f"\ncommon path transitions: {transitions}")
    assert transitions == 4  # intake: First wake, Sleep; accept: Sleep; the reply: Sleep (until the callback)


def test_not_dispatched_within_the_hour_escalates_to_the_dispatchers(fast: ClockHarness) -> None:
    number = submit(fast, UNROUTABLE)
    ticket = fast.wait_for(number, DISPATCHER, lambda t: t["escalation_level"] >= 1)

    assert ticket["status"] == "received" and ticket["unit_id"] is None
    assert types(ticket)[:5] == [
        "ticket.created",
        "ticket.reminded",
        "ticket.reminded",
        "ticket.breached",
        "ticket.escalated",
    ]
    reminded = [e["data"] for e in ticket["timeline"] if e["type"] == "ticket.reminded"]
    assert [(r["timer"], r["fraction"]) for r in reminded] == [("dispatch", 0.5), ("dispatch", 0.8)]
    escalated = next(e["data"] for e in ticket["timeline"] if e["type"] == "ticket.escalated")
    assert (escalated["level"], escalated["to"]) == (1, ["hotline-office"])
    assert ticket["overdue"] is True
    overdue = fast.api.call("GET", "/v1/staff/tickets", query="overdue=true", claims=DISPATCHER).body
    assert number in [t["number"] for t in overdue["items"]]
    fast.consume_stream()  # the table stream's consumer sends what each wake-up stored
    sent = fast.notifications({"reminder", "breach", "escalation"})
    assert {"reminder", "breach", "escalation"} <= {n["kind"] for n in sent}
    assert all(n["number"] == number for n in sent)


def test_resolve_reminders_breach_and_the_ladder_in_order(fast: ClockHarness) -> None:
    number = submit(fast)
    fast.wait_for(number, DISPATCHER, dispatched)
    act(fast, number, "accept", UNIT)
    ticket = fast.wait_for(number, SUPERVISOR, lambda t: t["escalation_level"] == 4, seconds=30)

    resolve_events = [
        (e["type"], e["data"].get("fraction") or e["data"].get("level"))
        for e in ticket["timeline"]
        if e["data"].get("timer") == "resolve"
    ]
    assert resolve_events == [
        ("ticket.reminded", 0.5),
        ("ticket.reminded", 0.8),
        ("ticket.breached", None),
        ("ticket.escalated", 1),
        ("ticket.escalated", 2),
        ("ticket.escalated", 3),
        ("ticket.escalated", 4),
    ]
    recipients = [e["data"]["to"] for e in ticket["timeline"] if e["type"] == "ticket.escalated"]
    assert recipients == [["district-urban-management"], ["hotline-office"], ["leadership"], ["headquarters"]]
    assert ticket["handling"]["next_wake"] is None  # the ladder's top: nothing more to wait for


def test_a_ticket_returned_twice_is_escalated_to_the_office(slow: ClockHarness) -> None:
    number = submit(slow)
    slow.wait_for(number, DISPATCHER, dispatched)
    act(slow, number, "return", UNIT, reason="不属于本单位职责")
    act(slow, number, "dispatch", DISPATCHER, unit_id="district-urban-management")
    ticket = act(slow, number, "return", UNIT, reason="仍不属于本单位职责")

    assert ticket["status"] == "received"
    assert ticket["handling"]["counts"]["returned"] == 2
    escalated = [e["data"] for e in ticket["timeline"] if e["type"] == "ticket.escalated"]
    assert [(e["level"], e["to"]) for e in escalated] == [(2, ["hotline-office"])]
    running = [e for e in slow.executions(number) if e["status"] == "RUNNING"]
    generation = ticket_generation(slow, number)
    assert [e["name"] for e in running] == [f"{number}-g{generation}"]  # only the newest clock runs


def ticket_generation(clock: ClockHarness, number: str) -> int:
    stored = api_services().queries.tickets.get(number)
    assert stored is not None
    return stored.handling.clock.generation


def test_an_approved_extension_moves_the_deadline_at_once(slow: ClockHarness) -> None:
    number = submit(slow)
    slow.wait_for(number, DISPATCHER, dispatched)
    accepted = act(slow, number, "accept", UNIT)
    before = parse_iso(deadline(accepted, "resolve")["due"])
    act(slow, number, "request-extension", UNIT, extend_by={"amount": 90, "unit": "minutes"}, reason="需协调多个部门")
    decided = act(slow, number, "decide-extension", SUPERVISOR, approve=True, note="同意延期")

    resolve = deadline(decided, "resolve")
    assert parse_iso(resolve["due"]) == before + timedelta(minutes=90)
    assert parse_iso(resolve["original_due"]) == before
    # The running clock is the newest generation and wakes for the new deadline's first reminder.
    running = [e for e in slow.executions(number) if e["status"] == "RUNNING"]
    assert len(running) == 1 and running[0]["name"].endswith(f"-g{ticket_generation(slow, number)}")
    new_wake = parse_iso(decided["handling"]["next_wake"])
    assert (
        new_wake
        == parse_iso(resolve["started_at"]) + (parse_iso(resolve["due"]) - parse_iso(resolve["started_at"])) * 0.5
    )


def test_time_awaiting_the_customer_does_not_count(slow: ClockHarness) -> None:
    number = submit(slow)
    slow.wait_for(number, DISPATCHER, dispatched)
    accepted = act(slow, number, "accept", UNIT)
    before = parse_iso(deadline(accepted, "resolve")["due"])
    act(slow, number, "request-info", UNIT, question="请提供施工地点的门牌号")
    paused = slow.ticket(number, UNIT)
    assert paused["status"] == "awaiting_customer" and deadline(paused, "resolve")["paused"] is True
    # Only the end of the customer's time to answer wakes a paused ticket.
    assert paused["handling"]["next_wake"] == paused["handling"]["customer_wait"]["limit_at"]
    resumed = act(slow, number, "info-received", AGENT, note="建国路88号")

    events = {e["type"]: e for e in resumed["timeline"]}
    paused_for = _at(events["ticket.info_received"]) - _at(events["ticket.info_requested"])
    assert parse_iso(deadline(resumed, "resolve")["due"]) == before + paused_for
    assert events["ticket.info_received"]["data"]["paused_seconds"] == paused_for.total_seconds()
    assert resumed["status"] == "in_progress" and resumed["handling"]["next_wake"] is not None


def _at(event: dict[str, Any]) -> datetime:
    return parse_iso(event["at"])


def test_after_the_reply_the_clock_enforces_the_callback_until_the_ticket_closes(fast: ClockHarness) -> None:
    number = submit(fast)
    fast.wait_for(number, DISPATCHER, dispatched)
    act(fast, number, "accept", UNIT)
    act(fast, number, "reply", UNIT, result="已处理", cause_code="construction.permit")

    # 10 hours to call back, 5 seconds here: two reminders, the breach, then the ladder from the dispatch desk.
    ticket = fast.wait_for(number, DISPATCHER, lambda t: t["escalation_level"] >= 2)
    after_reply = ticket["timeline"][types(ticket).index("ticket.replied") :]
    clocked = [(e["type"], e["data"]["timer"]) for e in after_reply if "timer" in e["data"]]
    assert clocked[:4] == [
        ("ticket.reminded", "callback"),
        ("ticket.reminded", "callback"),
        ("ticket.breached", "callback"),
        ("ticket.escalated", "callback"),
    ]
    assert {timer for _, timer in clocked} == {"callback"}  # the resolve timer was met: it never fires again
    listed = fast.api.call("GET", "/v1/staff/tickets", query="overdue=true", claims=DISPATCHER)
    assert number in [t["number"] for t in listed.body["items"]]

    closed = act(fast, number, "close", AGENT, resolution="resolved", note="回访：市民满意")

    callback = deadline(closed, "callback")
    assert callback["met_at"] is not None and callback["breached_at"] is not None  # met late: breached as well
    assert closed["handling"]["next_wake"] is None
    assert all(e["status"] != "RUNNING" for e in fast.executions(number))


def test_a_first_generation_that_finds_nothing_due_wakes_once_more_and_ends(slow: ClockHarness) -> None:
    """Its first wake-up goes to the Wait without a Choice: when the ticket moved on meanwhile (here: accepted, a
    later generation), the Wait is for now and the loop's Wake then ends it, neither failing nor lingering."""
    number = submit(slow)
    slow.wait_for(number, DISPATCHER, dispatched)
    act(slow, number, "accept", UNIT)
    client = boto3.client("stepfunctions", region_name="us-east-1")
    started = client.start_execution(
        stateMachineArn=slow.machines[1],
        name=f"{number}-g1-r1",
        input=json.dumps({"number": number, "generation": 1}),
    )["executionArn"]
    deadline_at = time.monotonic() + 30
    while (status := client.describe_execution(executionArn=started)["status"]) == "RUNNING":
        assert time.monotonic() < deadline_at, "the stale first generation kept running"
        time.sleep(0.2)
    assert status == "SUCCEEDED"
    events = client.get_execution_history(executionArn=started)["events"]
    entered = [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]
    assert entered == ["First wake", "Sleep", "Wake", "Due again?", "Nothing due"]


# -- a clock Step Functions refused to start --------------------------------------------------------------


def test_a_ticket_whose_clock_cannot_start_is_created_and_the_stream_starts_its_clock(
    slow: ClockHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    with slow.step_functions_refusing(monkeypatch):
        reply = slow.api.call("POST", "/v1/tickets", FORM)
        assert reply.status == 201, reply.body  # not 500 with the ticket stored: a retry would make a second one
        number = reply.body["number"]
        assert slow.executions(number) == []
        failed = slow.consume_stream()  # Step Functions still refuses: the consumer reports the write as failed
    assert any(r["batchItemFailures"] for r in failed), failed

    responses = slow.consume_stream()  # Lambda retries the write once Step Functions is back

    assert all(not r["batchItemFailures"] for r in responses), responses
    assert [e["name"] for e in slow.executions(number)] == [f"{number}-g1"]
    ticket = slow.wait_for(number, DISPATCHER, dispatched)  # the clock's first wake-up routed it
    assert ticket["unit_id"] == "district-urban-management"
    slow.consume_stream()  # once more, as a redelivery would: nothing starts twice
    assert [e["name"] for e in slow.executions(number)] == [f"{number}-g1"]


def test_a_staff_action_whose_clock_cannot_restart_succeeds_and_the_stream_restarts_it(
    slow: ClockHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = submit(slow)
    slow.wait_for(number, DISPATCHER, dispatched)
    with slow.step_functions_refusing(monkeypatch):
        accepted = act(slow, number, "accept", UNIT)  # 200: the acceptance is stored
    assert accepted["status"] == "in_progress" and ticket_generation(slow, number) == 2
    assert [(e["name"], e["status"]) for e in slow.executions(number)] == [(f"{number}-g1", "RUNNING")]

    # The old generation is stopped and the new one waits for the resolve timer's first reminder. The consumer
    # runs again while it has not got there (Lambda retries a failed batch: the g1 execution may be mid-wake-up).
    expected = [(f"{number}-g1", "ABORTED"), (f"{number}-g2", "RUNNING")]
    for _ in range(5):
        slow.consume_stream()
        if [(e["name"], e["status"]) for e in slow.executions(number)] == expected:
            break
        time.sleep(0.5)
    assert [(e["name"], e["status"]) for e in slow.executions(number)] == expected


# -- notifications go out from the table stream, never from the request ------------------------------------


def test_a_staff_action_answers_200_while_sns_fails_and_its_notification_goes_out_once_when_sns_is_back(
    slow: ClockHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = submit(slow)
    slow.wait_for(number, DISPATCHER, dispatched)
    with slow.sns_refusing(monkeypatch):
        urged = act(slow, number, "urge", AGENT, note="市民再次来电")  # 200, not 500 with the urge stored
        assert urged["handling"]["counts"]["urged"] == 1
        failed = slow.consume_stream()  # the consumer cannot send: it reports the write as failed
    assert any(r["batchItemFailures"] for r in failed), failed
    assert slow.notifications({"urge"}, seconds=0.5) == []
    act(slow, number, "accept", UNIT)  # a later write of the ticket

    responses = slow.consume_stream()  # Lambda retries the write once SNS is back

    assert all(not r["batchItemFailures"] for r in responses), responses
    sent = slow.notifications({"urge"})
    assert [(n["kind"], n["number"], n["recipients"]) for n in sent] == [
        ("urge", number, ["district-urban-management"])
    ]  # once: the acceptance, written after it, does not carry it again
    urge = next(e for e in urged["timeline"] if e["type"] == "ticket.urged")
    assert "市民再次来电" in sent[0]["message"] and sent[0]["at"] == urge["at"]


def test_a_wake_up_while_sns_fails_keeps_its_notifications_until_the_stream_sends_them(
    fast: ClockHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fast.sns_refusing(monkeypatch):
        number = submit(fast, UNROUTABLE)
        fast.wait_for(number, DISPATCHER, lambda t: t["escalation_level"] >= 1)
        assert all(e["status"] != "FAILED" for e in fast.executions(number))  # the wake-ups stored and went on
        failed = fast.consume_stream()
    assert any(r["batchItemFailures"] for r in failed), failed
    assert fast.notifications({"reminder"}, seconds=0.5) == []

    fast.consume_stream()

    sent = fast.notifications({"reminder", "breach", "escalation"})
    assert [n["kind"] for n in sent][:4] == ["reminder", "reminder", "breach", "escalation"]
    assert len({n["id"] for n in sent}) == len(sent)  # each sent once

"""State transitions per ticket path, counted from the executions' histories (real ASL on moto, time sped up).

Step Functions Standard bills $0.025 per 1,000 state transitions (us-east-1 list price); the common path
is what almost every ticket takes.
"""

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.clock_harness import ClockHarness, clock_harness, save_rules
from tests.integration.conftest import staff_claims
from tests.integration.test_ticket_clock import FAST, FAST_LADDER, UNROUTABLE
from tests.support.forms import FORM

PRICE_PER_TRANSITION = 0.025 / 1000
UNIT = staff_claims("unit", unit="district-urban-management", username="unit1")
DISPATCHER = staff_claims("dispatcher", username="dispatcher1")
SUPERVISOR = staff_claims("supervisor", username="supervisor1")
AGENT = staff_claims("agent", username="agent1")
REPLY = {"result": "已处理", "cause_code": "construction.permit"}


def _submit(clock: ClockHarness, form: dict[str, Any]) -> str:
    return str(clock.api.call("POST", "/v1/tickets", form).body["number"])


def _act(clock: ClockHarness, number: str, action: str, claims: dict[str, Any], **body: Any) -> None:
    reply = clock.api.call("POST", f"/v1/staff/tickets/{number}/{action}", body, claims=claims)
    assert reply.status == 200, reply.body
    # Staff act minutes apart: let the generation this action started enter its first state before the next one.
    time.sleep(0.5)


def _until(clock: ClockHarness, number: str, event: str) -> None:
    clock.wait_for(number, SUPERVISOR, lambda t: event in [e["type"] for e in t["timeline"]], seconds=60)


def common_path(clock: ClockHarness) -> str:
    number = _submit(clock, FORM)
    _until(clock, number, "ticket.dispatched")
    _act(clock, number, "accept", UNIT)
    _act(clock, number, "reply", UNIT, **REPLY)
    return number


def direct_answer(clock: ClockHarness) -> str:
    call = {**FORM, "channel": "phone", "type": "consultation", "category": "service.policy"}
    disposition = {"resolution": "direct_answer", "answer": "已当场解答"}
    reply = clock.api.call("POST", "/v1/staff/tickets", {**call, "disposition": disposition}, claims=AGENT)
    assert reply.status == 201, reply.body
    return str(reply.body["number"])


def returned_twice(clock: ClockHarness) -> str:
    number = _submit(clock, FORM)
    _until(clock, number, "ticket.dispatched")
    _act(clock, number, "return", UNIT, reason="不属于本单位")
    _act(clock, number, "dispatch", DISPATCHER, unit_id="district-urban-management")
    _act(clock, number, "return", UNIT, reason="仍不属于本单位")
    _act(clock, number, "close", DISPATCHER, resolution="referred", agency="12348")
    return number


def extension_then_reply(clock: ClockHarness) -> str:
    number = _submit(clock, FORM)
    _until(clock, number, "ticket.dispatched")
    _act(clock, number, "accept", UNIT)
    _act(clock, number, "request-extension", UNIT, extend_by={"amount": 60, "unit": "minutes"}, reason="协调中")
    _act(clock, number, "decide-extension", SUPERVISOR, approve=True)
    _act(clock, number, "reply", UNIT, **REPLY)
    return number


def paused_then_reply(clock: ClockHarness) -> str:
    number = _submit(clock, FORM)
    _until(clock, number, "ticket.dispatched")
    _act(clock, number, "accept", UNIT)
    _act(clock, number, "request-info", UNIT, question="请提供门牌号")
    _act(clock, number, "info-received", AGENT, note="88号")
    _act(clock, number, "reply", UNIT, **REPLY)
    return number


def undispatched_escalation(clock: ClockHarness) -> str:
    number = _submit(clock, UNROUTABLE)
    _until(clock, number, "ticket.escalated")
    _act(clock, number, "dispatch", DISPATCHER, unit_id="district-urban-management")
    _act(clock, number, "accept", UNIT)
    _act(clock, number, "reply", UNIT, **REPLY)
    return number


def full_ladder(clock: ClockHarness) -> str:
    number = _submit(clock, FORM)
    _until(clock, number, "ticket.dispatched")
    _act(clock, number, "accept", UNIT)
    clock.wait_for(number, SUPERVISOR, lambda t: t["escalation_level"] == 4, seconds=60)
    return number


SCENARIOS: list[tuple[str, float, Callable[[ClockHarness], str]]] = [
    ("common path: auto-dispatch → accept → reply on time", 60, common_path),
    ("direct answer at intake (直办)", 60, direct_answer),
    ("returned twice → escalated → referred", 60, returned_twice),
    ("extension approved → reply", 60, extension_then_reply),
    ("paused for the customer → reply", 60, paused_then_reply),
    ("not dispatched in time → escalation → handled", 7200, undispatched_escalation),
    ("resolve reminders → breach → ladder to HQ", 7200, full_ladder),
]


def report() -> None:
    print("ticket clock: state transitions per ticket path (all executions of the ticket; AWS bills each)")
    for label, scale, scenario in SCENARIOS:
        with pytest.MonkeyPatch.context() as monkeypatch, clock_harness(monkeypatch, time_scale=scale) as clock:
            save_rules(FAST, FAST_LADDER)
            number = scenario(clock)
            time.sleep(0.5)  # let a stopped execution record its last event
            entered = clock.states_entered(number)
            executions = len(clock.executions(number))
        transitions = sum(entered.values())
        cost = transitions * PRICE_PER_TRANSITION * 1_000_000
        print(
            f"  {label:<50} {transitions:3d} transitions, {entered['TaskStateEntered']} wake-ups, "
            f"{executions} executions (${cost:,.0f} per million tickets)"
        )
    print(
        "  (a first generation starts at First wake, later ones at Sleep; sped-up scenarios let due points that fall\n"
        "   within a second share one wake-up; in real time each reminder, breach and ladder step is its own\n"
        "   wake-up: 3 transitions — Wake, Due again?, Sleep)"
    )

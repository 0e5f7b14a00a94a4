"""Access codes and phones are stored only as hashes keyed with a secret outside the table, and wrong
access codes are limited per ticket."""

import hashlib
import json
import time
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from hotline.domain.base.privacy import Pepper
from hotline.domain.customers.access import MAX_WRONG_CODES, WRONG_CODE_WINDOW

from tests.conftest import TEST_HASH_KEY
from tests.integration.conftest import Api, staff_claims
from tests.support.forms import FORM
from tests.support.services import reset_caches

PHONE = FORM["contact"]["phone"]
TIME_SCALE = 900
"""Domain seconds per wall second here: the hour-long window passes in 4 s."""


def stored_items(table_name: str) -> list[dict[str, Any]]:
    return boto3.client("dynamodb", region_name="us-east-1").scan(TableName=table_name)["Items"]


def receipt_unsent(ticket: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The receipt text, which quotes the plain access code until it is sent (on the write's `messages`, or held by
    quiet hours), and the ticket item without it."""
    doc = json.loads(ticket["doc"]["S"])
    texts = json.loads(ticket["messages"]["S"]) if "messages" in ticket else doc["handling"]["held_messages"]
    (receipt,) = texts
    doc["handling"]["held_messages"] = []
    rest = {name: value for name, value in ticket.items() if name != "messages"}
    return receipt["text"], {**rest, "doc": {"S": json.dumps(doc)}}


def test_the_table_holds_no_hash_anyone_could_recompute_without_the_secret(api: Api, table_name: str) -> None:
    created = api.call("POST", "/v1/tickets", FORM).body
    items = stored_items(table_name)
    (ticket,) = [i for i in items if i["sk"]["S"] == "TICKET"]
    doc = json.loads(ticket["doc"]["S"])
    receipt, unsent_removed = receipt_unsent(ticket)
    text = json.dumps([i for i in items if i is not ticket] + [unsent_removed])

    unkeyed_code = hashlib.sha256(f"{doc['id']}:{created['access_code']}".encode()).hexdigest()
    unkeyed_phone = hashlib.sha256(PHONE.encode()).hexdigest()
    assert unkeyed_code not in text and unkeyed_phone not in text
    assert created["access_code"] not in text and PHONE not in ticket["phone_hash"]["S"]
    assert created["access_code"] in receipt  # only the text to the customer, until it is sent
    # What is stored is keyed with the secret the API read from Secrets Manager.
    keyed = Pepper(lambda: TEST_HASH_KEY.encode())
    assert doc["access_code_hash"] == keyed.access_code_hash(doc["id"], created["access_code"])
    assert ticket["phone_hash"]["S"] == keyed.phone_hash(PHONE)

    # Both still work: the customer reads with the code, staff find the customer's tickets by phone.
    number = created["number"]
    assert api.call("GET", f"/v1/tickets/{number}", query=f"code={created['access_code']}").status == 200
    found = api.call("GET", "/v1/staff/tickets", query="phone=%2B86%20138-0013-8000", claims=staff_claims("agent"))
    assert [t["number"] for t in found.body["items"]] == [number]


@pytest.fixture
def fast_time(api: Api, monkeypatch: pytest.MonkeyPatch) -> float:
    """Domain time runs TIME_SCALE times faster from now (as `TIME_SCALE` does in the local cloud)."""
    monkeypatch.setenv("HOTLINE_LOCAL_TIME_SCALE", str(TIME_SCALE))
    monkeypatch.setenv("HOTLINE_LOCAL_TIME_ORIGIN", datetime.now(UTC).isoformat())
    reset_caches()
    return WRONG_CODE_WINDOW.total_seconds() / TIME_SCALE


def test_ten_wrong_codes_close_the_ticket_to_every_code_until_the_window_passes(api: Api, fast_time: float) -> None:
    created = api.call("POST", "/v1/tickets", FORM).body
    other = api.call("POST", "/v1/tickets", FORM).body
    number, code = created["number"], created["access_code"]
    wrong = [f"{n:08d}" for n in range(MAX_WRONG_CODES + 2) if f"{n:08d}" != code]

    def track(guess: str, ticket: str = number) -> Any:
        return api.call("GET", f"/v1/tickets/{ticket}", query=f"code={guess}")

    started = time.monotonic()
    first = track(wrong[0])
    window_opened = time.monotonic()  # the window runs from the first wrong code, counted before this
    assert [first.status] + [track(guess).status for guess in wrong[1:MAX_WRONG_CODES]] == [404] * MAX_WRONG_CODES
    eleventh = track(wrong[MAX_WRONG_CODES])
    assert eleventh.status == 429 and eleventh.body["error"]["code"] == "too_many_attempts"
    right = track(code)  # during the lockout the right code gets the same answer: no oracle
    assert (right.status, right.body) == (eleventh.status, eleventh.body)
    assert track(other["access_code"], other["number"]).status == 200  # other tickets are not affected
    assert time.monotonic() - started < fast_time, "too slow to test inside the window"

    time.sleep(max(0.0, window_opened + fast_time + 0.5 - time.monotonic()))
    assert track(code).status == 200

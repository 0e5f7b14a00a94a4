"""A burst of citizen submissions (a major incident): numbers stay unique and consecutive, and no ticket pays for
another's race — each costs one serial allocation and one ticket write, counted where moto answers them."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hotline.services import api_services
from moto.dynamodb.exceptions import TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend

from infra.local import atomic
from tests.integration.conftest import Api, Reply, staff_claims
from tests.support.forms import FORM
from tests.support.moto_requests import dynamodb_requests, writes
from tests.support.serials import voided

SUBMISSIONS = 100


def test_a_hundred_concurrent_submissions_get_consecutive_numbers_at_one_ticket_write_each(api: Api) -> None:
    atomic.install()  # DynamoDB applies each write atomically; moto needs the local cloud's lock to do the same
    api.call("GET", "/v1/catalog")  # a warm container, as a deployed API has between bursts
    barrier = threading.Barrier(SUBMISSIONS)

    def submit(_: int) -> Reply:
        barrier.wait()
        return api.call("POST", "/v1/tickets", FORM)

    with dynamodb_requests() as seen, ThreadPoolExecutor(max_workers=SUBMISSIONS) as pool:
        replies = list(pool.map(submit, range(SUBMISSIONS)))

    assert [reply.status for reply in replies] == [201] * SUBMISSIONS
    numbers = sorted(reply.body["number"] for reply in replies)
    month = numbers[0][:4]
    assert numbers == [f"{month}-{serial:06d}" for serial in range(1, SUBMISSIONS + 1)]
    assert voided(api_services().settings.table_name, month) == {}
    # One atomic allocation each (it never retries) and one ticket transaction each: no lost race is paid again.
    assert seen["UpdateItem"] == SUBMISSIONS
    assert seen["TransactWriteItems"] <= SUBMISSIONS * 1.3
    assert writes(seen) == seen["UpdateItem"] + seen["TransactWriteItems"]


def test_a_ticket_write_that_fails_after_the_allocation_leaves_its_number_voided_on_record(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = api.call("POST", "/v1/tickets", FORM).body["number"]

    def refused(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        raise TransactionCanceledException([("ThrottlingError", "Throughput exceeds the current capacity", None)])

    with monkeypatch.context() as table_down:
        table_down.setattr(DynamoDBBackend, "transact_write_items", refused)
        assert api.call("POST", "/v1/tickets", FORM).status == 500

    month, serial = first[:4], int(first[-6:])
    lost = f"{month}-{serial + 1:06d}"
    assert voided(api_services().settings.table_name, month) == {lost: "write_failed"}
    assert api.call("GET", f"/v1/staff/tickets/{lost}", claims=staff_claims("supervisor")).status == 404
    assert api.call("POST", "/v1/tickets", FORM).body["number"] == f"{month}-{serial + 2:06d}"

"""The cost model's arithmetic (tests/bench/cost.py): DynamoDB's item size rules, what a write costs the table and
each index by its projection, read rounding, Lambda's billed duration, SMS parts."""

import pytest

from tests.bench import cost

KEYS = ("pk", "sk")
TICKET = {
    "pk": {"S": "TICKET#2611-000001"},
    "sk": {"S": "TICKET"},
    "status": {"S": "received"},
    "received_key": {"S": "2026-11-21T08:00:00.000Z#2611-000001"},
    "doc": {"S": "x" * 1500},
}
BY_STATUS = cost.Index("by_status", ("status", "received_key"), "INCLUDE", ("channel",))
OVERDUE = cost.Index("overdue", ("overdue", "received_key"), "KEYS_ONLY")


@pytest.mark.parametrize(
    ("number", "size"),
    [("1", 2), ("12", 2), ("123", 3), ("12345", 4), ("-120", 2), ("0.050", 2), ("1000000", 2), ("0", 2)],
)
def test_a_number_takes_a_byte_per_two_significant_digits_and_one_more(number: str, size: int) -> None:
    assert cost.number_size(number) == size


def test_sizes_follow_dynamodbs_rules() -> None:
    assert cost.value_size({"S": "夜间"}) == 6  # UTF-8 bytes
    assert cost.value_size({"BOOL": True}) == cost.value_size({"NULL": True}) == 1
    assert cost.value_size({"L": [{"S": "ab"}, {"N": "1"}]}) == 3 + (2 + 1) + (2 + 1)  # 3, and 1 per element
    assert cost.value_size({"M": {"a": {"S": "xy"}}}) == 3 + (1 + 2 + 1)  # a map's names count too
    assert cost.value_size({"M": {}}) == 3
    assert cost.value_size({"SS": ["ab", "c"]}) == 3
    assert cost.item_size({"pk": {"S": "TICKET#1"}, "version": {"N": "12"}}) == (2 + 8) + (7 + 2)
    assert cost.item_size(None) == 0


def test_writes_round_up_to_the_kilobyte_and_transactions_pay_twice() -> None:
    assert [cost.write_units(size) for size in (0, 1, 1024, 1025, 3000)] == [1, 1, 1, 2, 3]
    small, large = {"pk": {"S": "x" * 100}}, {"pk": {"S": "x" * 1500}}
    assert cost.item_write_units(large, small, transactional=False) == 2  # the larger of before and after
    assert cost.item_write_units(None, small, transactional=True) == 2


def test_reads_round_up_to_four_kilobytes_and_eventual_ones_pay_half() -> None:
    assert cost.read_units(0, consistent=True) == 1  # even nothing found costs a read
    assert cost.read_units(4096, consistent=True) == 1
    assert cost.read_units(4097, consistent=True) == 2
    assert cost.read_units(100, consistent=False) == 0.5


def test_an_index_entry_holds_the_keys_and_what_it_projects_and_a_sparse_index_holds_only_keyed_items() -> None:
    assert BY_STATUS.entry(TICKET, KEYS) == {k: TICKET[k] for k in ("pk", "sk", "status", "received_key")}
    assert BY_STATUS.entry({**TICKET, "channel": {"S": "web"}}, KEYS)["channel"] == {"S": "web"}  # type: ignore[index]
    assert OVERDUE.entry(TICKET, KEYS) is None  # no `overdue`: not in the sparse index
    assert cost.Index("feed", ("received_key",), "ALL").entry(TICKET, KEYS) == TICKET


def test_an_index_is_written_only_when_its_entry_changes() -> None:
    changed_doc = {**TICKET, "doc": {"S": "y" * 1500}}
    moved = {**TICKET, "status": {"S": "dispatched"}}
    entry_size = cost.item_size(BY_STATUS.entry(TICKET, KEYS))
    assert entry_size < 1024
    assert BY_STATUS.write_units(None, TICKET, KEYS) == 1  # put into the index
    assert BY_STATUS.write_units(TICKET, changed_doc, KEYS) == 0  # nothing it holds changed
    assert BY_STATUS.write_units(TICKET, moved, KEYS) == 2  # its key moved: a delete and a put
    assert BY_STATUS.write_units(TICKET, {**TICKET, "channel": {"S": "web"}}, KEYS) == 1  # projected, changed in place
    assert OVERDUE.write_units({**TICKET, "overdue": {"S": "TICKET"}}, TICKET, KEYS) == 1  # left the index
    whole = cost.Index("by_status", ("status", "received_key"), "ALL")
    assert whole.write_units(TICKET, changed_doc, KEYS) == 2  # every change, at the whole item's size


def test_lambda_bills_memory_times_rounded_duration_and_stretches_cpu_below_one_vcpu() -> None:
    assert cost.lambda_gb_seconds(100.2, 512) == pytest.approx(0.101 * 0.5)
    assert cost.on_lambda_ms(10, cost.LAMBDA_VCPU_MB, {}) == 10
    assert cost.on_lambda_ms(10, cost.LAMBDA_VCPU_MB // 4, {}) == pytest.approx(10 * cost.LAMBDA_VCPU_MB / 442)
    assert cost.on_lambda_ms(0, 3008, {"dynamodb": 2, "stepfunctions": 1}) == 2 * cost.AWS_CALL_MS["dynamodb"] + 40


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        *[("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("{" * 80, 1), ("{" * 81, 2)],
        *[("工" * 70, 1), ("工" * 71, 2), ("工" * 134, 2), ("工" * 135, 3)],
    ],
)
def test_a_text_is_billed_in_parts_of_160_gsm_or_70_other_characters(text: str, parts: int) -> None:
    assert cost.sms_parts(text) == parts

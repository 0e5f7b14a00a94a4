"""Ticket numbers YYMM-NNNNNN, counted in the centre's month, and the access codes that unlock them
(their keyed hashes: tests/unit/base/test_privacy.py)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hotline.domain.tickets.numbering import format_number, is_number, month_of, new_access_code

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("serial", "number"),
    [(1, "2611-000001"), (42, "2611-000042"), (123_456, "2611-123456"), (999_999, "2611-999999")],
)
def test_number_is_month_and_six_digit_serial(serial: int, number: str) -> None:
    assert format_number("2611", serial) == number
    assert is_number(number)


@pytest.mark.parametrize("serial", [0, -1, 1_000_000])
def test_serial_outside_one_to_999999_is_refused(serial: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        format_number("2611", serial)


@pytest.mark.parametrize(
    "text", ["", "2611-00001", "2611-0000001", "261-000001", "2611000001", "abcd-000001", "2611-00000a", " 2611-000001"]
)
def test_anything_else_is_not_a_number(text: str) -> None:
    assert not is_number(text)


@pytest.mark.parametrize(
    ("utc", "month"),
    [
        (datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC), "2611"),  # 23:59:59 in Shanghai
        (datetime(2026, 11, 30, 17, 0, tzinfo=UTC), "2612"),  # already 1 December in Shanghai
        (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), "2701"),  # the new year starts in Shanghai first
        (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "2601"),
    ],
)
def test_month_is_the_centres_local_month(utc: datetime, month: str) -> None:
    assert month_of(utc, SHANGHAI) == month


def test_month_does_not_depend_on_the_zone_the_instant_was_written_in() -> None:
    moment = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert month_of(moment.astimezone(ZoneInfo("America/New_York")), SHANGHAI) == "2612"
    assert month_of(moment, ZoneInfo("UTC")) == "2611"


def test_access_codes_are_eight_digits_and_vary() -> None:
    codes = {new_access_code() for _ in range(50)}
    assert all(len(code) == 8 and code.isdigit() for code in codes)
    assert len(codes) > 40

"""Customer phones: one lookup key whatever the spelling, and masked forms for display."""

import pytest
from hotline.domain.privacy import mask_name, mask_phone, normalize_phone, phone_hash

MOBILE = "13800138000"


@pytest.mark.parametrize(
    "spelling", ["+86 138-0013-8000", "008613800138000", "8613800138000", "138 0013 8000", "(+86) 138.0013.8000"]
)
def test_mainland_mobile_spellings_normalize_to_the_same_eleven_digits(spelling: str) -> None:
    assert normalize_phone(spelling) == MOBILE
    assert phone_hash(spelling) == phone_hash(MOBILE)


@pytest.mark.parametrize(
    ("phone", "digits"),
    [
        ("021-5555-1234", "02155551234"),  # a Shanghai landline keeps its area code
        ("+1 212 555 0100", "12125550100"),  # not a mainland number: nothing is stripped
        ("862155501234", "862155501234"),  # "86" followed by 10 digits is not a +86 mobile
    ],
)
def test_other_numbers_keep_all_their_digits(phone: str, digits: str) -> None:
    assert normalize_phone(phone) == digits


def test_phone_hash_is_a_key_not_the_number() -> None:
    key = phone_hash(MOBILE)
    assert len(key) == 64 and MOBILE not in key
    assert phone_hash("13800138001") != key


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("87654321", "****4321"),
        ("+86 138-0013-8000", "138****8000"),
        ("02155551234", "021****1234"),
        ("12345", "*****"),
    ],
)
def test_masked_phone_shows_only_prefix_and_last_four(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(("name", "masked"), [("张三丰", "张**"), ("李四", "李*"), ("Wang", "W***"), ("", "")])
def test_masked_name_keeps_only_the_first_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked

"""Customer phones and access codes: keyed lookup hashes (one per phone whatever the spelling), masked forms."""

import hashlib

import pytest
from hotline.domain.base.privacy import Pepper, mask_name, mask_phone, normalize_phone

from tests.unit.fakes import TEST_KEY, TEST_PEPPER

MOBILE = "13800138000"


@pytest.mark.parametrize(
    "spelling", ["+86 138-0013-8000", "008613800138000", "8613800138000", "138 0013 8000", "(+86) 138.0013.8000"]
)
def test_mainland_mobile_spellings_normalize_to_the_same_eleven_digits(spelling: str) -> None:
    assert normalize_phone(spelling) == MOBILE
    assert TEST_PEPPER.phone_hash(spelling) == TEST_PEPPER.phone_hash(MOBILE)


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
    key = TEST_PEPPER.phone_hash(MOBILE)
    assert len(key) == 64 and MOBILE not in key
    assert TEST_PEPPER.phone_hash("13800138001") != key


def test_hashes_depend_on_the_secret_key_so_the_table_alone_cannot_be_searched() -> None:
    other = Pepper(lambda: b"another deployment's key, 32+ bytes")
    assert other.phone_hash(MOBILE) != TEST_PEPPER.phone_hash(MOBILE)
    assert other.access_code_hash("ticket-a", "12345678") != TEST_PEPPER.access_code_hash("ticket-a", "12345678")
    # Nothing an attacker could recompute from the value alone, as the unkeyed SHA-256 of before.
    assert TEST_PEPPER.phone_hash(MOBILE) != hashlib.sha256(MOBILE.encode()).hexdigest()
    unkeyed_code = hashlib.sha256(b"ticket-a:12345678").hexdigest()
    assert TEST_PEPPER.access_code_hash("ticket-a", "12345678") != unkeyed_code
    # A phone and an access code never share a hash, whatever their digits.
    assert TEST_PEPPER.phone_hash("ticket-a:12345678") != TEST_PEPPER.access_code_hash("ticket-a", "12345678")


def test_access_codes_match_only_their_own_ticket() -> None:
    stored = TEST_PEPPER.access_code_hash("ticket-a", "12345678")
    assert "12345678" not in stored
    assert TEST_PEPPER.access_code_matches("ticket-a", "12345678", stored)
    assert not TEST_PEPPER.access_code_matches("ticket-a", "12345679", stored)
    assert not TEST_PEPPER.access_code_matches("ticket-b", "12345678", stored)


def test_the_key_is_read_once_must_be_long_and_never_shown() -> None:
    reads: list[int] = []

    def read() -> bytes:
        reads.append(1)
        return TEST_KEY

    pepper = Pepper(read)
    assert reads == []  # nothing is read until a hash is needed (functions that never hash never read it)
    pepper.phone_hash(MOBILE)
    pepper.access_code_hash("ticket-a", "12345678")
    assert reads == [1]
    assert TEST_KEY.decode() not in repr(pepper)
    with pytest.raises(ValueError, match="at least 32 bytes"):
        Pepper(lambda: b"short").phone_hash(MOBILE)


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

"""`next` tokens: opaque, tied to their listing, and refused when forged or mangled."""

import base64
import json
from typing import Any

import pytest
from hotline.domain.base.errors import InvalidPageToken
from hotline.store.paging import decode, encode

KEY = {
    "pk": {"S": "TICKET#2611-000042"},
    "sk": {"S": "TICKET"},
    "feed": {"S": "TICKET"},
    "received_key": {"S": "2026-11-21T08:00:00.000Z#2611-000042"},
}


def _token(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_token_round_trips_to_the_same_key() -> None:
    token = encode("feed", KEY)
    assert token is not None
    assert decode("feed", token) == KEY


def test_token_is_url_safe() -> None:
    token = encode("by_status", {"pk": {"S": "?" * 40 + "~" * 40}})
    assert token is not None
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_no_last_key_means_no_token_and_no_token_means_the_first_page() -> None:
    assert encode("feed", None) is None
    assert encode("feed", {}) is None
    assert decode("feed", None) is None


def test_a_token_of_another_listing_is_refused() -> None:
    token = encode("by_partner", KEY)
    assert token is not None
    with pytest.raises(InvalidPageToken):
        decode("feed", token)


@pytest.mark.parametrize("token", ["", "garbage", "!!!!", "%00%ff", "bm90IGpzb24", "/w", "A"])
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(InvalidPageToken):
        decode("feed", token)


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "feed",
        {"l": "feed"},
        {"l": "feed", "k": None},
        {"l": "feed", "k": ["pk", "sk"]},
        {"l": "feed", "k": "TICKET#2611-000042"},
        {"l": "feed", "k": {"pk": "TICKET#2611-000042"}},
        {"l": "feed", "k": {"pk": {"N": "1"}}},
        {"l": "feed", "k": {"pk": {"S": 1}}},
        {"l": "feed", "k": {"pk": {"S": "x", "N": "1"}}},
    ],
)
def test_well_encoded_tokens_without_a_proper_key_are_refused(payload: Any) -> None:
    with pytest.raises(InvalidPageToken):
        decode("feed", _token(payload))

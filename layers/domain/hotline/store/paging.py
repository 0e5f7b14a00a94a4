"""Opaque `next` tokens: DynamoDB's LastEvaluatedKey, tied to the listing that produced it."""

import base64
import binascii
import json
from typing import Any

from hotline.domain.errors import InvalidPageToken


def encode(listing: str, last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps({"l": listing, "k": last_key}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(listing: str, token: str | None) -> dict[str, Any] | None:
    """The start key for `listing`; a token from another listing or from nowhere is refused."""
    if token is None:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(raw, dict) or raw.get("l") != listing or not isinstance(raw.get("k"), dict):
            raise ValueError("token belongs to another listing")
        key: dict[str, Any] = raw["k"]
        if not all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values()):
            raise ValueError("token key is malformed")
        return key
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidPageToken("the 'next' token is not valid for this listing") from error

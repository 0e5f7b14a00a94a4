"""Opaque `next` tokens: DynamoDB's LastEvaluatedKey, tied to the listing that produced it."""

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any, TypeVar

from pynamodb.exceptions import QueryError
from pynamodb.pagination import ResultIterator

from hotline.domain.base.errors import InvalidPageToken
from hotline.domain.base.paging import Page, PageRequest

T = TypeVar("T")


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


def query_page(
    listing: str,
    page: PageRequest,
    query: Callable[[dict[str, Any] | None], ResultIterator[Any]],
    convert: Callable[[Any], T],
) -> Page[T]:
    """One page of a Query: `query(start)` runs it from the token's key with the page's limit."""
    start = decode(listing, page.token)
    try:
        results = query(start)
        items = [convert(item) for item in results]
    except QueryError as error:
        # A well-formed token whose key belongs to another partition or index.
        if start is not None and "ValidationException" in str(error):
            raise InvalidPageToken("the 'next' token is not valid for this listing") from error
        raise
    last = results.last_evaluated_key if len(items) == page.limit else None
    return Page[T](items=items, next=encode(listing, last))

"""Handling of customer PII: keyed lookup hashes for phones and access codes, masked forms for display and logs."""

import hashlib
import hmac
import re
from collections.abc import Callable
from functools import cached_property

MIN_KEY_BYTES = 32


class Pepper:
    """HMAC-SHA256 with a secret key kept outside the table (Secrets Manager; see hotline.aws.secrets_manager).

    The table stores only these hashes of access codes and phone numbers. Both have few possible values
    (10^8 codes, about 10^9 mobile numbers), so a plain SHA-256 of a leaked item is reversed by trying
    them all; without the key nothing can be tried. The key is read on first use, once per cold start
    (only the API function hashes), and never shown: repr and logs name no key.
    """

    def __init__(self, key: Callable[[], bytes]) -> None:
        self._read_key = key

    def __repr__(self) -> str:
        return "Pepper(<secret>)"

    @cached_property
    def _key(self) -> bytes:
        key = self._read_key()
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"the hash key must have at least {MIN_KEY_BYTES} bytes")
        return key

    def _mac(self, purpose: str, value: str) -> str:
        # The purpose keeps the lookups apart: a phone's hash never equals some access code's or link token's.
        return hmac.new(self._key, f"{purpose}\n{value}".encode(), hashlib.sha256).hexdigest()

    def phone_hash(self, phone: str) -> str:
        """Index key for "this customer's tickets"; the phone itself is only in the ticket record."""
        return self._mac("phone", normalize_phone(phone))

    def access_code_hash(self, ticket_id: str, code: str) -> str:
        """Only this is stored: a leaked table does not let anyone read tickets as their customers."""
        return self._mac("access-code", f"{ticket_id}:{code}")

    def access_code_matches(self, ticket_id: str, code: str, stored_hash: str) -> bool:
        return hmac.compare_digest(self.access_code_hash(ticket_id, code), stored_hash)

    def link_token_hash(self, number: str, token: str) -> str:
        """Only this is stored of a one-time link's token (a survey link): the link in a leaked table opens nothing."""
        return self._mac("link-token", f"{number}:{token}")

    def link_token_matches(self, number: str, token: str, stored_hash: str) -> bool:
        return hmac.compare_digest(self.link_token_hash(number, token), stored_hash)


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"[^0-9]", "", phone)
    # Mainland numbers are stored without the +86 / 0086 country prefix so that both spellings match.
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def mask_phone(phone: str) -> str:
    """138****5678: enough for a customer to recognise their number, not enough to call it."""
    digits = normalize_phone(phone)
    if len(digits) < 8:
        return "*" * len(digits)
    if len(digits) < 11:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 1) if name else name

"""Handling of customer PII: a lookup key for phones and masked forms for display and logs."""

import hashlib
import re


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"[^0-9]", "", phone)
    # Mainland numbers are stored without the +86 / 0086 country prefix so that both spellings match.
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def phone_hash(phone: str) -> str:
    """Index key for "this customer's tickets"; the phone itself is only in the ticket record."""
    return hashlib.sha256(normalize_phone(phone).encode()).hexdigest()


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

"""Human ticket numbers `YYMM-NNNNNN` (seed 004 §8) and the access codes citizens track them with
(stored only as keyed hashes: hotline.domain.base.privacy.Pepper)."""

import re
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

NUMBER_PATTERN = re.compile(r"\d{4}-\d{6}")
MAX_SERIAL = 999_999
ACCESS_CODE_DIGITS = 8


def month_of(moment: datetime, zone: ZoneInfo) -> str:
    """The numbering month (`YYMM`) of an instant, in the centre's own time zone."""
    return moment.astimezone(zone).strftime("%y%m")


def format_number(month: str, serial: int) -> str:
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial {serial} is outside 1..{MAX_SERIAL}")
    return f"{month}-{serial:06d}"


def is_number(text: str) -> bool:
    return bool(NUMBER_PATTERN.fullmatch(text))


def new_access_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(ACCESS_CODE_DIGITS))


UNKNOWN = "no ticket with that number"
"""The one answer for an unknown number and for a ticket that is not the caller's."""

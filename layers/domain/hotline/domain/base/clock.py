"""Time as the domain sees it: a clock is passed in, every instant is UTC and printed with `Z`."""

from datetime import UTC, datetime
from typing import Annotated, Protocol

from pydantic import PlainSerializer


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


def to_iso_z(moment: datetime) -> str:
    """UTC ISO-8601 with millisecond precision and a `Z` suffix (e.g. 2026-11-21T08:00:00.000Z)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry a time zone")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 instant that names its offset (`Z` or `+08:00`); naive text is rejected."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("the time must carry an offset, e.g. 2026-09-30T10:00:00Z")
    return moment.astimezone(UTC)


UtcDatetime = Annotated[datetime, PlainSerializer(to_iso_z, return_type=str, when_used="json")]
"""A datetime that serializes to JSON as UTC with `Z`."""

"""Ports: texting customers, counting wrong access codes. Adapters implement these; unit tests use fakes."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from hotline.domain.tickets.customer_message import CustomerMessage


class Texter(Protocol):
    def send(self, messages: Sequence[CustomerMessage]) -> None:
        """Send every text, or raise (the stream then retries the whole write). Never logs the number or the text."""
        ...


class CodeAttempts(Protocol):
    """Wrong access codes per ticket, counted in a window that the first wrong one opens."""

    def failures(self, number: str, at: datetime) -> int:
        """Wrong codes in the ticket's window open at `at`; 0 when none is open."""
        ...

    def fail(self, number: str, at: datetime, window: timedelta) -> None:
        """Count a wrong code; without an open window, this one opens a window of `window` from `at`."""
        ...

"""Ports: texting customers. Adapters implement these; unit tests use fakes."""

from collections.abc import Sequence
from typing import Protocol

from hotline.domain.tickets.customer_message import CustomerMessage


class Texter(Protocol):
    def send(self, messages: Sequence[CustomerMessage]) -> None:
        """Send every text, or raise (the stream then retries the whole write). Never logs the number or the text."""
        ...

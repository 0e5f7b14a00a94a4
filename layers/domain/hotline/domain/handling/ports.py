"""Ports: handing each stored change on (events to the bus, notifications to units). Adapters implement these."""

from collections.abc import Sequence
from typing import Protocol

from hotline.domain.tickets.notification import Notification
from hotline.domain.tickets.publication import PublishedEvent


class Notifier(Protocol):
    def send(self, notifications: Sequence[Notification]) -> None:
        """Send every notification, or raise (the stream then retries the whole write)."""
        ...


class EventBus(Protocol):
    def publish(self, events: list[PublishedEvent]) -> None:
        """Put every event on the bus, or raise (the stream then retries the whole write)."""
        ...

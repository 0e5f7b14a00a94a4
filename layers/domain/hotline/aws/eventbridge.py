"""Ticket events onto the EventBridge bus."""

import json
from functools import cached_property
from typing import Any

from hotline.aws.clients import client
from hotline.domain.tickets.publication import SOURCE, PublishedEvent

PUT_EVENTS_LIMIT = 10


class EventBridgeBus:
    def __init__(self, bus_name: str, region: str) -> None:
        self._bus_name = bus_name
        self._region = region

    @cached_property
    def _client(self) -> Any:
        return client("events", self._region)

    def publish(self, events: list[PublishedEvent]) -> None:
        """Raises if any entry was refused: the stream then retries the write, and consumers drop repeats."""
        entries = [
            {
                "EventBusName": self._bus_name,
                "Source": SOURCE,
                "DetailType": event.type,
                "Detail": json.dumps(event.detail(), ensure_ascii=False),
                "Resources": [],
            }
            for event in events
        ]
        for start in range(0, len(entries), PUT_EVENTS_LIMIT):
            result = self._client.put_events(Entries=entries[start : start + PUT_EVENTS_LIMIT])
            if result.get("FailedEntryCount"):
                codes = sorted({e.get("ErrorCode", "?") for e in result["Entries"] if "ErrorCode" in e})
                raise RuntimeError(f"EventBridge refused {result['FailedEntryCount']} events: {codes}")

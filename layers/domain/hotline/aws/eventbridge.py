"""Ticket and incident events onto the EventBridge bus."""

import json
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from hotline.aws.clients import client
from hotline.domain.incidents.incident import SOURCE as INCIDENT_SOURCE
from hotline.domain.incidents.incident import Incident, IncidentEvent
from hotline.domain.reports.record import ReportRecord
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
        self._put([(SOURCE, event.type, event.detail()) for event in events])

    def announce(self, incident: Incident, events: Sequence[IncidentEvent]) -> None:
        """A major incident's events (source `hotline.incidents`), each with the incident; raises like `publish`."""
        self._put([(INCIDENT_SOURCE, event.type, event.detail(incident)) for event in events])

    def _put(self, events: list[tuple[str, str, dict[str, Any]]]) -> None:
        entries = [
            {
                "EventBusName": self._bus_name,
                "Source": source,
                "DetailType": detail_type,
                "Detail": json.dumps(detail, ensure_ascii=False),
                "Resources": [],
            }
            for source, detail_type, detail in events
        ]
        for start in range(0, len(entries), PUT_EVENTS_LIMIT):
            result = self._client.put_events(Entries=entries[start : start + PUT_EVENTS_LIMIT])
            if result.get("FailedEntryCount"):
                codes = sorted({e.get("ErrorCode", "?") for e in result["Entries"] if "ErrorCode" in e})
                raise RuntimeError(f"EventBridge refused {result['FailedEntryCount']} events: {codes}")


REPORTS_SOURCE = "hotline.reports"


class EventBridgeReportBus:
    """`report.published` on the bus (source `hotline.reports`): what was published, for whoever subscribes."""

    def __init__(self, bus_name: str, region: str) -> None:
        self._bus_name = bus_name
        self._region = region

    @cached_property
    def _client(self) -> Any:
        return client("events", self._region)

    def published(self, record: ReportRecord) -> None:
        detail = record.model_dump(mode="json", include={"id", "title", "period", "generated_at", "headline"})
        detail["files"] = [{"format": f.format.value, "key": f.key, "bytes": f.bytes} for f in record.files]
        result = self._client.put_events(
            Entries=[
                {
                    "EventBusName": self._bus_name,
                    "Source": REPORTS_SOURCE,
                    "DetailType": "report.published",
                    "Detail": json.dumps(detail, ensure_ascii=False),
                    "Resources": [],
                }
            ]
        )
        if result.get("FailedEntryCount"):
            raise RuntimeError(f"EventBridge refused report.published: {result['Entries']}")

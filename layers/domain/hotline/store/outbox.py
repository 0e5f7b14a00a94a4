"""The table stream's view of a ticket write: the ticket as written and the events the write appended."""

import json
from collections.abc import Mapping
from typing import Any

from hotline.domain.tickets import Ticket, TicketEvent


def written(image: Mapping[str, Any] | None) -> tuple[Ticket, list[TicketEvent]] | None:
    """From a stream record's new image (already deserialized); None for any item but a ticket."""
    if not image or image.get("sk") != "TICKET" or not str(image.get("pk", "")).startswith("TICKET#"):
        return None
    doc = json.loads(image["doc"])
    doc["version"] = int(image["version"])
    events = [TicketEvent.model_validate(event) for event in json.loads(image.get("outbox") or "[]")]
    return Ticket.model_validate(doc), events

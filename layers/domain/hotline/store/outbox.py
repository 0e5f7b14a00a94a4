"""The table stream's view of a ticket write: the ticket as written, the events it appended, the notifications and
the customer texts it made (each write replaces the previous one's, so they are handed on for the write that made
them only)."""

import json
from collections.abc import Mapping
from typing import Any

from hotline.domain.handling.relay import Write
from hotline.domain.tickets.customer_message import CustomerMessage
from hotline.domain.tickets.notification import Notification
from hotline.domain.tickets.ticket import Ticket, TicketEvent


def written(image: Mapping[str, Any] | None) -> Write | None:
    """From a stream record's new image (already deserialized); None for any item but a ticket."""
    if not image or image.get("sk") != "TICKET" or not str(image.get("pk", "")).startswith("TICKET#"):
        return None
    doc = json.loads(image["doc"])
    doc["version"] = int(image["version"])
    events = [TicketEvent.model_validate(event) for event in json.loads(image.get("outbox") or "[]")]
    notifications = [Notification.model_validate(n) for n in json.loads(image.get("notifications") or "[]")]
    messages = [CustomerMessage.model_validate(m) for m in json.loads(image.get("messages") or "[]")]
    return Write(Ticket.model_validate(doc), events, notifications, messages)

"""PynamoDB models of the single Hotline table (the CDK table in infra/constructs/storage.py matches).

Items, by key:
  TICKET#<number> / TICKET            the ticket (indexed by the GSIs below), with the events, notifications
                                      and customer texts of its latest write as `outbox`, `notifications` and
                                      `messages`: the table's stream publishes and sends them from there, and,
                                      when public, its public form as `public_doc`
  TICKET#<number> / EVENT#<at>#<id>   its timeline, written in the same transaction as each change
  SERIAL#<YYMM>   / SERIAL            the month's last allocated ticket serial (an atomic counter)
  SERIAL#<YYMM>   / VOID#<serial>     a serial allocated but never used by a ticket, and why (for auditors)
  PARTNER#<id>    / PARTNER           a partner;  APIKEY#<key id> / APIKEY  points a key at it
  PARTNERS        / PARTNER#<id>      a copy of each partner, so admins list them with one Query
  EXTREF#<partner>#<ref> / EXTREF     the ticket a partner's external_ref names (claimed with the ticket)
  PARTNER#<id>    / WEBHOOK           the partner's webhook endpoint and signing secret
  PARTNER#<id>    / DELIVERY#<event>  the delivery log, one item per event (expires through TTL)
  PARTNER#<id>    / KEYLEASE          who may change the partner's key right now (rotate, revoke; expires)
  TICKET#<number> / CODEFAILS         wrong access codes for the ticket in the current window (expires)
  CONFIG#<name>   / CONFIG            configuration documents (catalogue …)
  CONFIG#stamp    / CONFIG            the configuration's version stamp, bumped with every change (config_cache)
  UNIT#<id>       / UNIT              a handling unit and its parent
  idempotency#…   / <hash>            Powertools idempotency records (expire through TTL)
"""

import json
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

FEED = "TICKET"


class Json(JSONAttribute):
    """JSON in UTF-8 without padding: DynamoDB bills writes per KB of the item, and PynamoDB's default escapes every
    Chinese character to 6 bytes (3 in UTF-8) and pads every separator."""

    def serialize(self, value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# index name -> (partition key attribute, sort key attribute); the CDK table is built from this too.
TICKET_INDEXES: dict[str, tuple[str, str]] = {
    "by_status": ("status", "received_key"),
    "by_channel": ("channel", "channel_key"),
    "by_type": ("ticket_type", "received_key"),
    "by_unit": ("unit_id", "updated_key"),
    "by_partner": ("partner_id", "updated_key"),
    "by_phone": ("phone_hash", "received_key"),
    "by_category": ("category", "received_key"),  # similar tickets, incidents: one category's recent tickets
    "feed": ("feed", "received_key"),
    "overdue": ("overdue", "received_key"),  # sparse: only tickets with a breached open timer
    "public": ("public", "received_key"),  # sparse: only public tickets, for the public map (Open311)
    # sparse: only tickets the survey sweep must look at (`Ticket.customer_due` set), soonest first
    "customer_due": ("feed", "customer_due_key"),
    # sparse: only replied tickets whose survey waits for a callback call, oldest callback due first
    "callbacks": ("feed", "callback_key"),
    "problem": ("feed", "problem_key"),  # sparse: only problem tickets (问题工单), newest first
    # sparse: only tickets whose extension request awaits a supervisor's decision, newest first
    "extension": ("feed", "extension_key"),
    "supervised": ("feed", "supervised_key"),  # sparse: only supervised tickets (督办), newest first
}

QUEUE_INCLUDES = ["status", "channel", "ticket_type", "unit_id", "phone_hash", "overdue", "category", "problem_key"]
"""What the extension and supervision queues' entries hold: a listing's plan picks them before any other index
(hotline.store.tickets), so they hold whatever else it may test, the unit among it (a unit's handlers' own queue)."""

# Indexes that project only these attributes (besides the keys; none: keys only); the others project every
# attribute. Every ticket write is paid again in each index whose entry it changes, by the entry's size: the listings'
# indexes hold only what their filters test (the listing then reads its page of tickets in one BatchGetItem), and the
# public index each public ticket's coarsened public form and nothing personal. The survey sweep needs only the
# ticket's number from its index and reads the ticket itself consistently; so does the callback queue, which then
# reads its page of tickets in one batch. Main's new filters (category, received_since, problem) are projected where
# an index's listing may test them.
TICKET_INDEX_INCLUDES: dict[str, list[str]] = {
    "by_status": ["channel", "ticket_type", "overdue", "problem_key"],
    "by_channel": ["overdue", "received_key", "problem_key"],
    "by_type": ["overdue", "problem_key"],
    "by_unit": ["status", "channel", "ticket_type", "phone_hash", "overdue", "category", "received_key", "problem_key"],
    "by_partner": [],
    "by_phone": ["status", "channel", "ticket_type", "overdue", "problem_key"],
    "by_category": ["status", "channel", "ticket_type", "phone_hash", "overdue", "problem_key"],
    "feed": ["overdue", "problem_key"],
    "overdue": ["status", "channel", "ticket_type", "phone_hash", "category", "problem_key"],
    "problem": ["status", "channel", "ticket_type", "phone_hash", "overdue", "category", "received_key"],
    "extension": [*QUEUE_INCLUDES, "supervised_key"],
    "supervised": QUEUE_INCLUDES,
    "public": ["public_doc"],
    "customer_due": [],
    "callbacks": [],
}


def _index(name: str) -> type[GlobalSecondaryIndex[Any]]:
    hash_name, range_name = TICKET_INDEXES[name]
    included = TICKET_INDEX_INCLUDES.get(name)
    projection = (
        AllProjection() if included is None else IncludeProjection(included) if included else KeysOnlyProjection()
    )
    meta = type("Meta", (), {"index_name": name, "projection": projection})
    attrs = {
        "Meta": meta,
        hash_name: UnicodeAttribute(hash_key=True),
        range_name: UnicodeAttribute(range_key=True),
    }
    return type(f"Index_{name}", (GlobalSecondaryIndex,), attrs)


@dataclass(frozen=True)
class TableModels:
    # Built at run time per table, so their attributes are unknown to the type checker.
    ticket: Any
    event: Any
    serial: Any
    item: Any
    guard: Any


def bind(table_name: str, region: str) -> TableModels:
    """Model classes bound to one table (PynamoDB fixes the table per class, tests use many tables)."""

    meta = type("Meta", (), {"table_name": table_name, "region": region})

    ticket_attrs: dict[str, Any] = {
        "Meta": meta,
        "pk": UnicodeAttribute(hash_key=True),
        "sk": UnicodeAttribute(range_key=True),
        "doc": Json(),
        "status": UnicodeAttribute(),
        "channel": UnicodeAttribute(),
        "ticket_type": UnicodeAttribute(),
        "unit_id": UnicodeAttribute(null=True),
        "partner_id": UnicodeAttribute(null=True),
        "phone_hash": UnicodeAttribute(null=True),
        "category": UnicodeAttribute(null=True),
        "feed": UnicodeAttribute(),
        "overdue": UnicodeAttribute(null=True),
        "public": UnicodeAttribute(null=True),
        "public_doc": Json(null=True),
        "received_key": UnicodeAttribute(),
        "customer_due_key": UnicodeAttribute(null=True),
        "callback_key": UnicodeAttribute(null=True),
        "problem_key": UnicodeAttribute(null=True),
        "extension_key": UnicodeAttribute(null=True),
        "supervised_key": UnicodeAttribute(null=True),
        "updated_key": UnicodeAttribute(),
        "channel_key": UnicodeAttribute(),
        "outbox": Json(null=True),
        "notifications": Json(null=True),
        "messages": Json(null=True),
        "version": VersionAttribute(),
    }
    ticket_attrs.update({f"{name}_index": _index(name)() for name in TICKET_INDEXES})
    ticket_model: Any = type("TicketModel", (Model,), ticket_attrs)

    class EventModel(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        doc = Json()

    class SerialModel(Model):
        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        serial = NumberAttribute()

    class ItemModel(Model):
        """Small documents addressed by key: partners, key pointers, configuration, delivery logs."""

        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        doc = Json()
        expires_at = NumberAttribute(null=True)  # the table's TTL attribute (Unix seconds)

    class GuardModel(Model):
        """Short-lived guards, valid until `expires_at` (the TTL attribute, which also removes them later):
        a partner's key lease (`holder`) and a ticket's count of wrong access codes (`failures`)."""

        Meta = meta  # type: ignore[assignment]
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        holder = UnicodeAttribute(null=True)
        failures = NumberAttribute(null=True)
        expires_at = NumberAttribute()

    return TableModels(ticket_model, EventModel, SerialModel, ItemModel, GuardModel)

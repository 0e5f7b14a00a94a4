"""Tickets and their timelines in DynamoDB."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import uuid4

from aws_lambda_powertools import Logger
from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from hotline.domain.base.clock import to_iso_z
from hotline.domain.base.errors import Conflict, DuplicateExternalRef
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.intake.public_reports import PublicReport
from hotline.domain.tickets.customer_message import CustomerMessage
from hotline.domain.tickets.notification import Notification
from hotline.domain.tickets.numbering import format_number
from hotline.domain.tickets.ports import Numbered, TicketFilter, TicketWrite
from hotline.domain.tickets.ticket import Ticket, TicketEvent
from hotline.store import paging
from hotline.store.models import FEED, TableModels

logger = Logger(service="hotline-store")
RETRYABLE = {"ConditionalCheckFailed", "TransactionConflict"}


def _lost_race(error: TransactWriteError) -> bool:
    """True when another writer got there first: a condition failed or a concurrent transaction won."""
    if error.cause_response_code == "TransactionConflictException":
        return True
    codes = {reason.code for reason in error.cancellation_reasons if reason is not None}
    return bool(codes) and codes <= RETRYABLE


def _as_is(ticket: Ticket) -> tuple[Ticket, Sequence[CustomerMessage]]:
    return ticket, ()


def ticket_pk(number: str) -> str:
    return f"TICKET#{number}"


def _sort_key(moment_iso: str, number: str) -> str:
    return f"{moment_iso}#{number}"


class DynamoTicketRepository:
    def __init__(self, models: TableModels) -> None:
        self._m = models
        self._connection = Connection(region=models.ticket.Meta.region)

    # -- writes ---------------------------------------------------------------------------------

    def create(
        self, ticket: Ticket, events: Sequence[TicketEvent], month: str, finish: Numbered | None = None
    ) -> Ticket:
        """Allocate the month's next serial with one atomic counter update, then write ticket, events and a partner's
        `external_ref` claim (EXTREF#<partner>#<ref>) in one conditional transaction.

        The counter never retries, so a burst costs each ticket one allocation and one transaction (a conditional
        serial in the transaction made every lost race retry it). Numbers are unique, and consecutive unless the
        transaction fails after the allocation: the number is then recorded as voided (SERIAL#<YYMM> /
        VOID#<serial>, with why) before the error goes on. A second submission with a claimed reference, even a
        concurrent one, raises DuplicateExternalRef.
        """
        self._check_external_ref(ticket)
        serial = self._allocate(month)
        number = format_number(month, serial)
        numbered, messages = (finish or _as_is)(ticket.model_copy(update={"number": number}))
        created = [event.model_copy(update={"number": number}) for event in events]
        try:
            # The token makes a retried transaction (a lost response) succeed instead of failing its own condition.
            with TransactWrite(connection=self._connection, client_request_token=uuid4().hex) as tx:
                item = self._ticket_item(numbered, created, messages=messages)
                tx.save(item, condition=self._m.ticket.pk.does_not_exist())
                for index, event in enumerate(created):
                    tx.save(self._event_item(event, index))
                self._claim_external_ref(tx, numbered)
        except TransactWriteError as error:
            # Not cancelled: the outcome is unknown (its answer may be what was lost), so look before voiding.
            if error.cancellation_reasons or self.get(number, consistent=True) is None:
                duplicate = self._external_ref_pk(ticket) is not None and _lost_race(error)
                self._void(month, serial, ticket, "duplicate_external_ref" if duplicate else "write_failed")
                self._check_external_ref(ticket)  # a concurrent submission with the same reference won
                raise
        return numbered.model_copy(update={"version": 1})

    def _allocate(self, month: str) -> int:
        serial = self._m.serial(f"SERIAL#{month}", "SERIAL")
        serial.update(actions=[self._m.serial.serial.add(1)])
        return int(serial.serial)

    def _void(self, month: str, serial: int, ticket: Ticket, reason: str) -> None:
        """Record why an allocated number has no ticket, for auditors (best effort: the write's error matters more)."""
        doc = {"number": format_number(month, serial), "reason": reason, "at": to_iso_z(ticket.received_at)}
        try:
            self._m.item(f"SERIAL#{month}", f"VOID#{serial:06d}", doc=doc).save()
        except PynamoDBException:
            logger.exception("could not record voided number %s", doc["number"])

    # -- a partner's external_ref: at most one ticket per (partner, reference) ------------------------

    @staticmethod
    def _external_ref_pk(ticket: Ticket) -> str | None:
        if ticket.partner_id is None or ticket.external_ref is None:
            return None
        return f"EXTREF#{ticket.partner_id}#{ticket.external_ref}"

    def _check_external_ref(self, ticket: Ticket) -> None:
        pk = self._external_ref_pk(ticket)
        if pk is None:
            return
        try:
            claim = self._m.item.get(pk, "EXTREF", consistent_read=True)
        except self._m.item.DoesNotExist:
            return
        raise DuplicateExternalRef(str(claim.doc["number"]), str(ticket.external_ref))

    def _claim_external_ref(self, tx: TransactWrite, ticket: Ticket) -> None:
        pk = self._external_ref_pk(ticket)
        if pk is not None:
            claim = self._m.item(pk, "EXTREF", doc={"number": ticket.number})
            tx.save(claim, condition=self._m.item.pk.does_not_exist())

    def save(
        self,
        ticket: Ticket,
        events: list[TicketEvent],
        notifications: Sequence[Notification] = (),
        messages: Sequence[CustomerMessage] = (),
    ) -> Ticket:
        return self.save_all([TicketWrite(ticket, events, notifications, messages)])[0]

    def save_all(self, writes: Sequence[TicketWrite]) -> list[Ticket]:
        try:
            with TransactWrite(connection=self._connection) as tx:
                for ticket, events, notifications, messages in writes:
                    item = self._ticket_item(ticket, events, notifications, messages)
                    item.version = ticket.version  # the transaction then requires the stored version to be this one
                    tx.save(item)
                    for index, event in enumerate(events):
                        tx.save(self._event_item(event, index))
        except TransactWriteError as error:
            if _lost_race(error):
                stored = self.get(writes[0].ticket.number)
                status = stored.status.value if stored else None
                raise Conflict("the ticket changed meanwhile; read it again", "version_mismatch", status) from error
            raise
        return [write.ticket.model_copy(update={"version": write.ticket.version + 1}) for write in writes]

    def _ticket_item(
        self,
        ticket: Ticket,
        events: list[TicketEvent],
        notifications: Sequence[Notification] = (),
        messages: Sequence[CustomerMessage] = (),
    ) -> Any:
        """The whole item, written over the stored one: its outbox holds this write's events, notifications and texts
        only, so the stream's consumer sends each of them for this write and never again for a later one.

        The ticket's document leaves out what equals its default (reading fills it back in) and the version (an
        attribute of its own): every write is paid per KB of the item, twice in a transaction, so this keeps a
        ticket's writes about a third smaller. A default must therefore never change its meaning."""
        received = to_iso_z(ticket.received_at)
        return self._m.ticket(
            ticket_pk(ticket.number),
            "TICKET",
            doc=ticket.model_dump(mode="json", exclude_defaults=True, exclude={"version"}),
            status=ticket.status.value,
            channel=ticket.channel.value,
            ticket_type=ticket.type.value,
            unit_id=ticket.unit_id,
            partner_id=ticket.partner_id,
            phone_hash=ticket.phone_hash,
            category=ticket.category,
            feed=FEED,
            overdue=FEED if ticket.overdue else None,
            public=FEED if ticket.public else None,
            public_doc=PublicReport.of(ticket).model_dump(mode="json") if ticket.public else None,
            received_key=_sort_key(received, ticket.number),
            customer_due_key=_sort_key(to_iso_z(due), ticket.number) if (due := ticket.customer_due) else None,
            callback_key=_sort_key(to_iso_z(call), ticket.number) if (call := ticket.callback_due) else None,
            problem_key=_sort_key(received, ticket.number) if ticket.handling.problem else None,
            extension_key=_sort_key(received, ticket.number) if ticket.handling.extension is not None else None,
            supervised_key=_sort_key(received, ticket.number) if ticket.under_supervision else None,
            updated_key=_sort_key(to_iso_z(ticket.updated_at), ticket.number),
            channel_key=f"{ticket.type.value}#{_sort_key(received, ticket.number)}",
            outbox=[event.model_dump(mode="json") for event in events],
            notifications=[notification.model_dump(mode="json") for notification in notifications],
            messages=[message.model_dump(mode="json") for message in messages] or None,
        )

    def _event_item(self, event: TicketEvent, index: int) -> Any:
        # The index keeps the order of events written together (they share one instant).
        sort_key = f"EVENT#{to_iso_z(event.at)}#{index:03d}#{event.id}"
        return self._m.event(ticket_pk(event.number), sort_key, doc=event.model_dump(mode="json"))

    # -- reads ----------------------------------------------------------------------------------

    def get(self, number: str, *, consistent: bool = False) -> Ticket | None:
        try:
            item = self._m.ticket.get(ticket_pk(number), "TICKET", consistent_read=consistent)
        except self._m.ticket.DoesNotExist:
            return None
        return self._to_ticket(item)

    def timeline(self, number: str) -> list[TicketEvent]:
        items = self._m.event.query(ticket_pk(number), self._m.event.sk.startswith("EVENT#"))
        return [TicketEvent.model_validate(item.doc) for item in items]

    # -- the public map: lean, batched reads of public tickets only ------------------------------------

    def reports(self, numbers: list[str]) -> list[PublicReport]:
        items = self._batch(numbers, ["public_doc"])
        return [PublicReport.model_validate(item.public_doc) for item in items if item.public_doc]

    def tickets(self, numbers: list[str]) -> list[Ticket]:
        return [self._to_ticket(item) for item in self._batch(numbers, None)]

    def _batch(self, numbers: list[str], attributes: list[str] | None) -> list[Any]:
        """BatchGetItem (100 keys a call, unprocessed keys retried by PynamoDB), in the order asked."""
        keys = [(ticket_pk(number), "TICKET") for number in dict.fromkeys(numbers)]
        only = ["pk", *attributes] if attributes else None
        by_pk = {item.pk: item for item in self._m.ticket.batch_get(keys, attributes_to_get=only)}
        return [by_pk[pk] for pk, _ in keys if pk in by_pk]

    def report_page(self, received_from: datetime, received_until: datetime, page: PageRequest) -> Page[PublicReport]:
        # received_key is "<received>#<number>": "~" sorts after every number.
        window = self._m.ticket.received_key.between(to_iso_z(received_from), f"{to_iso_z(received_until)}#~")
        return paging.query_page(
            "public",
            page,
            lambda start: self._m.ticket.query(
                FEED,
                window,
                index_name="public",
                scan_index_forward=False,
                limit=page.limit,
                last_evaluated_key=start,
            ),
            lambda item: PublicReport.model_validate(item.public_doc),
        )

    def customer_due(self, until: datetime, page: PageRequest) -> Page[str]:
        """The numbers of the tickets whose `customer_due` is at or before `until`, soonest first: a Query of the
        sparse `customer_due` index, which holds only tickets that have one (and only their keys)."""
        # customer_due_key is "<customer_due>#<number>": "~" sorts after every number.
        return paging.query_page(
            "customer_due",
            page,
            lambda start: self._m.ticket.query(
                FEED,
                self._m.ticket.customer_due_key <= f"{to_iso_z(until)}#~",
                index_name="customer_due",
                limit=page.limit,
                last_evaluated_key=start,
            ),
            lambda item: str(item.pk).removeprefix("TICKET#"),
        )

    def callbacks(self, page: PageRequest) -> Page[Ticket]:
        """The callback queue: a page of the sparse `callbacks` index (keys only), oldest callback due first, then
        those tickets in one batch (less any answered in between)."""
        numbers = paging.query_page(
            "callbacks",
            page,
            lambda start: self._m.ticket.query(
                FEED, index_name="callbacks", limit=page.limit, last_evaluated_key=start
            ),
            lambda item: str(item.pk).removeprefix("TICKET#"),
        )
        waiting = [ticket for ticket in self.tickets(numbers.items) if ticket.callback_due is not None]
        return Page[Ticket](items=waiting, next=numbers.next)

    def list(self, where: TicketFilter, page: PageRequest) -> Page[Ticket]:
        """A Query of the index that narrows the listing most, whose entries hold the keys and what the other filters
        test (TICKET_INDEX_INCLUDES), then the page's tickets in one BatchGetItem."""
        index, hash_value, range_condition, ascending, used = self._plan(where)
        filters = self._filters(where, used)
        numbers = paging.query_page(
            index,
            page,
            lambda start: self._m.ticket.query(
                hash_value,
                range_condition,
                filter_condition=filters,
                index_name=index,
                scan_index_forward=ascending,
                limit=page.limit,
                last_evaluated_key=start,
            ),
            lambda item: str(item.pk).removeprefix("TICKET#"),
        )
        return Page[Ticket](items=self.tickets(numbers.items), next=numbers.next)

    def _plan(self, where: TicketFilter) -> tuple[str, str, Condition | None, bool, set[str]]:
        """Pick the index that narrows the listing most; the other filters become filter conditions."""
        ticket = self._m.ticket
        if where.partner_id is not None:
            # A partner syncs forward in time, so its listing runs oldest change first.
            since = ticket.updated_key > to_iso_z(where.updated_since) if where.updated_since else None
            return "by_partner", where.partner_id, since, True, {"partner_id", "updated_since"}
        # The console's queues of requests awaiting a decision and of supervised tickets: small sparse indexes (keyed
        # like received_key), read before a unit's whole inbox or the feed would be.
        since = to_iso_z(where.received_since) if where.received_since else None
        if where.extension_pending:
            received = ticket.extension_key >= since if since else None
            return "extension", FEED, received, False, {"extension_pending", "received_since"}
        if where.supervised:
            received = ticket.supervised_key >= since if since else None
            return "supervised", FEED, received, False, {"supervised", "received_since"}
        if where.unit_id is not None:
            return "by_unit", where.unit_id, None, False, {"unit_id"}
        if where.problem:
            return "problem", FEED, None, False, {"problem"}
        if where.overdue:
            return "overdue", FEED, None, False, {"overdue"}
        received = ticket.received_key >= since if since else None
        if where.category is not None:
            return "by_category", where.category, received, False, {"category", "received_since"}
        if where.phone_hash is not None:
            return "by_phone", where.phone_hash, received, False, {"phone_hash", "received_since"}
        if where.status is not None:
            return "by_status", where.status.value, None, False, {"status"}
        if where.channel is not None:
            by_type = ticket.channel_key.startswith(f"{where.type.value}#") if where.type else None
            return "by_channel", where.channel.value, by_type, False, {"channel", "type"}
        if where.type is not None:
            return "by_type", where.type.value, None, False, {"type"}
        return "feed", FEED, None, False, set()

    def _filters(self, where: TicketFilter, used: set[str]) -> Condition | None:
        ticket = self._m.ticket
        conditions: list[Condition] = []
        attributes: dict[str, Any] = {
            "status": ticket.status,
            "channel": ticket.channel,
            "type": ticket.ticket_type,
            "unit_id": ticket.unit_id,
            "phone_hash": ticket.phone_hash,
            "category": ticket.category,
        }
        for name, attribute in attributes.items():
            value = getattr(where, name)
            if value is not None and name not in used:
                conditions.append(attribute == getattr(value, "value", value))
        if where.overdue is not None and "overdue" not in used:
            conditions.append(ticket.overdue.exists() if where.overdue else ticket.overdue.does_not_exist())
        if where.problem is not None and "problem" not in used:
            conditions.append(ticket.problem_key.exists() if where.problem else ticket.problem_key.does_not_exist())
        if where.extension_pending and "extension_pending" not in used:
            conditions.append(ticket.extension_key.exists())
        if where.supervised and "supervised" not in used:
            conditions.append(ticket.supervised_key.exists())
        if where.updated_since is not None and "updated_since" not in used:
            conditions.append(ticket.updated_key > to_iso_z(where.updated_since))
        if where.received_since is not None and "received_since" not in used:
            conditions.append(ticket.received_key >= to_iso_z(where.received_since))
        combined: Condition | None = None
        for condition in conditions:
            combined = condition if combined is None else combined & condition
        return combined

    @staticmethod
    def _to_ticket(item: Model) -> Ticket:
        doc = dict(item.doc)  # type: ignore[attr-defined]
        doc["version"] = item.version  # type: ignore[attr-defined]
        return Ticket.model_validate(doc)

"""The survey sweep's reading of the store: the tickets whose customer is due something (a held text, a survey to
send or to expire) by a moment, soonest first, from a sparse keys-only index — a Query, never a Scan."""

from datetime import UTC, datetime, timedelta

import boto3
from hotline.domain.base.paging import PageRequest
from hotline.domain.tickets.catalog import Channel, TicketType
from hotline.domain.tickets.customer_message import CustomerMessage, MessageKind
from hotline.domain.tickets.survey import Survey, SurveyChannel
from hotline.domain.tickets.ticket import SYSTEM, Handling, Status, Ticket, TicketEvent
from hotline.store.models import bind
from hotline.store.tickets import DynamoTicketRepository

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


def _ticket(handling: Handling | None = None) -> Ticket:
    surveyed = handling is not None and handling.survey is not None
    return Ticket(
        id="t",
        number="",
        access_code_hash="x",
        channel=Channel.WEB,
        type=TicketType.COMPLAINT,
        category="urban.noise",
        subject="夜间施工",
        description="工地深夜施工",
        received_at=T0,
        updated_at=T0,
        handling=handling or Handling(),
        status=Status.REPLIED if surveyed else Status.RECEIVED,
    )


def _held_until(moment: datetime) -> Handling:
    text = CustomerMessage(
        id=f"m-{moment.timestamp()}",
        number="",
        kind=MessageKind.REPLY,
        to="+8613800138000",
        text="【12345热线】…",
        at=T0,
        not_before=moment,
    )
    return Handling(held_messages=[text])


def _survey_expiring(moment: datetime) -> Handling:
    survey = Survey(round=1, channel=SurveyChannel.SMS, opened_at=T0, send_at=T0, sent_at=T0, expires_at=moment)
    return Handling(survey=survey)


def _store(repository: DynamoTicketRepository, ticket: Ticket) -> Ticket:
    event = TicketEvent(id=f"e-{ticket.id}", type="ticket.created", number="", actor=SYSTEM, at=T0)
    return repository.create(ticket, [event], "2611")


def test_only_tickets_due_by_then_are_listed_soonest_first_page_by_page(table_name: str) -> None:
    repository = DynamoTicketRepository(bind(table_name, "us-east-1"))
    expiring = _store(repository, _ticket(_survey_expiring(T0 + timedelta(hours=2))))
    held = _store(repository, _ticket(_held_until(T0 + timedelta(hours=1))))
    _store(repository, _ticket())  # nothing due: not in the index at all
    later = _store(repository, _ticket(_held_until(T0 + timedelta(days=3))))
    answered = _store(repository, _ticket(_survey_expiring(T0)))
    survey = answered.handling.survey
    assert survey is not None
    answered.handling.survey = survey.model_copy(update={"answered_at": T0})
    repository.save(answered, [])  # answered: the sweep has nothing left to do with it

    first = repository.customer_due(T0 + timedelta(hours=2), PageRequest(limit=1))
    second = repository.customer_due(T0 + timedelta(hours=2), PageRequest(limit=1, token=first.next))
    everything = repository.customer_due(T0 + timedelta(days=30), PageRequest())

    assert first.items == [held.number] and first.next is not None
    assert second.items == [expiring.number]  # due exactly then counts
    assert everything.items == [held.number, expiring.number, later.number] and everything.next is None


def test_the_index_holds_only_keys_and_is_queried_not_scanned(table_name: str) -> None:
    repository = DynamoTicketRepository(bind(table_name, "us-east-1"))
    number = _store(repository, _ticket(_held_until(T0))).number

    index = next(
        i
        for i in boto3.client("dynamodb").describe_table(TableName=table_name)["Table"]["GlobalSecondaryIndexes"]
        if i["IndexName"] == "customer_due"
    )
    queried = boto3.client("dynamodb").query(
        TableName=table_name,
        IndexName="customer_due",
        KeyConditionExpression="feed = :feed",
        ExpressionAttributeValues={":feed": {"S": "TICKET"}},
    )["Items"]

    assert index["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert repository.customer_due(T0, PageRequest()).items == [number]
    assert [sorted(item) for item in queried] == [["customer_due_key", "feed", "pk", "sk"]]  # no phone, no text

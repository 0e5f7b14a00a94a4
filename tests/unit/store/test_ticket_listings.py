"""Every ticket listing filters only on what its index projects: DynamoDB tests a filter against the index entry,
so an attribute the entry lacks would silently match nothing (or everything)."""

import itertools
from datetime import UTC, datetime

import pytest
from hotline.domain.tickets.catalog import Channel, TicketType
from hotline.domain.tickets.ports import TicketFilter
from hotline.domain.tickets.ticket import Status
from hotline.store.models import TICKET_INDEX_INCLUDES, TICKET_INDEXES, bind
from hotline.store.tickets import DynamoTicketRepository

CHOICES = {
    "status": [None, Status.RECEIVED],
    "channel": [None, Channel.WEB],
    "type": [None, TicketType.COMPLAINT],
    "unit_id": [None, "district-urban-management"],
    "phone_hash": [None, "hash"],
    "overdue": [None, True, False],
}
STAFF_FILTERS = [
    TicketFilter(**dict(zip(CHOICES, values, strict=True))) for values in itertools.product(*CHOICES.values())
]
PARTNER_FILTERS = [
    TicketFilter(partner_id="city-app"),
    TicketFilter(partner_id="city-app", updated_since=datetime(2026, 11, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize("where", STAFF_FILTERS + PARTNER_FILTERS, ids=lambda w: w.model_dump_json(exclude_none=True))
def test_a_listing_filters_only_on_attributes_its_index_holds(where: TicketFilter) -> None:
    repository = DynamoTicketRepository(bind("hotline", "us-east-1"))
    index, _, _, _, used = repository._plan(where)
    condition = repository._filters(where, used)
    tested: dict[str, str] = {}
    if condition is not None:
        condition.serialize(tested, {})
    held = {"pk", "sk", *TICKET_INDEXES[index], *TICKET_INDEX_INCLUDES[index]}
    assert set(tested) <= held, f"{index} lacks {set(tested) - held}"


def test_every_listing_index_names_its_projection() -> None:
    """None would project every attribute: each ticket write paid again at the ticket's full size."""
    assert set(TICKET_INDEX_INCLUDES) == set(TICKET_INDEXES)

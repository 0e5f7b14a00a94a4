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

REPOSITORY = DynamoTicketRepository(bind("hotline", "us-east-1"))


def _plan(where: TicketFilter) -> tuple[str, set[str]]:
    """The index the listing queries, and what its filter tests that the index's entries lack."""
    index, _, _, _, used = REPOSITORY._plan(where)
    condition = REPOSITORY._filters(where, used)
    tested: dict[str, str] = {}
    if condition is not None:
        condition.serialize(tested, {})
    return index, set(tested) - {"pk", "sk", *TICKET_INDEXES[index], *TICKET_INDEX_INCLUDES[index]}


@pytest.mark.parametrize("where", STAFF_FILTERS + PARTNER_FILTERS, ids=lambda w: w.model_dump_json(exclude_none=True))
def test_a_listing_filters_only_on_attributes_its_index_holds(where: TicketFilter) -> None:
    index, lacking = _plan(where)
    assert not lacking, f"{index} lacks {lacking}"


@pytest.mark.parametrize("queue", [{"extension_pending": True}, {"supervised": True}], ids=str)
def test_the_console_queues_read_their_sparse_index_whatever_else_they_filter_on(queue: dict[str, bool]) -> None:
    """Supervisors' queues (an extension awaiting a decision, supervised tickets) with every other staff filter: the
    queue's small index, never the unit's whole inbox or the feed, and nothing tested that its entries lack."""
    choices = {
        **CHOICES,
        "category": [None, "urban.noise"],
        "problem": [None, True, False],
        "supervised": [False, True],
    }
    for values in itertools.product(*choices.values()):
        where = TicketFilter(**{**dict(zip(choices, values, strict=True)), **queue})
        index, lacking = _plan(where)
        assert index == ("extension" if where.extension_pending else "supervised"), where
        assert not lacking, f"{where}: {index} lacks {lacking}"


def test_every_listing_index_names_its_projection() -> None:
    """None would project every attribute: each ticket write paid again at the ticket's full size."""
    assert set(TICKET_INDEX_INCLUDES) == set(TICKET_INDEXES)

"""Direct answers cite articles: each ticket counts once per article, however often its writes are handed on."""

from datetime import UTC, datetime

from hotline.domain.knowledge.article import Entry
from hotline.domain.knowledge.citations import Citations
from hotline.domain.tickets.catalog import Channel, TicketType
from hotline.domain.tickets.ticket import Ticket

from tests.unit.fakes import FakeArticleStore
from tests.unit.knowledge.corpus import ARTICLES
from tests.unit.knowledge.test_search import article

NOW = datetime(2026, 11, 21, 8, tzinfo=UTC)


def ticket(number: str, *articles: str) -> Ticket:
    made = Ticket(
        id=number,
        number=number,
        access_code_hash="x",
        channel=Channel.PHONE,
        type=TicketType.CONSULTATION,
        category="service.policy",
        subject="公积金怎么提取",
        description="来电咨询",
        received_at=NOW,
        updated_at=NOW,
    )
    made.handling.articles = list(articles)
    return made


def store_with(*ids: str) -> FakeArticleStore:
    store = FakeArticleStore()
    for article_id in ids:
        store.entries[article_id] = Entry.of(article(article_id, ARTICLES["fund"]))
    return store


def test_a_direct_answer_counts_once_for_each_article_it_cites() -> None:
    store = store_with("fund", "waste")
    citations = Citations(store)

    citations.count(ticket("2611-000001", "fund", "waste", "fund"), None)
    citations.count(ticket("2611-000002", "fund"), None)

    assert {a: len(n) for a, n in store.cited.items()} == {"fund": 2, "waste": 1}


def test_a_write_handed_on_again_or_a_later_write_counts_nothing_twice() -> None:
    store = store_with("fund", "waste")
    citations = Citations(store)
    first = ticket("2611-000001", "fund")

    citations.count(first, None)
    citations.count(first, None)  # the stream hands the same write on again
    citations.count(ticket("2611-000001", "fund", "waste"), first)  # a later write adds an article
    citations.count(ticket("2611-000001", "fund", "waste"), ticket("2611-000001", "fund", "waste"))

    assert {a: len(n) for a, n in store.cited.items()} == {"fund": 1, "waste": 1}


def test_an_id_that_names_no_article_is_not_counted() -> None:
    store = store_with("fund")

    Citations(store).count(ticket("2611-000001", "no-such-article"), None)

    assert store.cited == {}

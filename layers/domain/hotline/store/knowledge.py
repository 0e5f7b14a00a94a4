"""The knowledge base in the table. Items, by key:

  KNOWLEDGE / REVISION                  the number of the latest article write (each write adds one, conditionally)
  KNOWLEDGE / ARTICLE#<id>              each article's current entry (its search form): one Query lists them all
  KNOWLEDGE#CHANGES / REV#<revision>    the entry each write stored, kept a week (TTL): containers catch up from it
  ARTICLE#<id> / VERSION#<version>      every version of the article, in full
  ARTICLE#<id> / CITATIONS              how many tickets cited it (an atomic counter)
  ARTICLE#<id> / CITED#<ticket number>  that ticket's citation, counted (so a redelivered write counts once)

A write is one transaction: the revision moves from the one read to the next, the version is new, the entry and
the change are stored. Writes of the whole knowledge base go one at a time through the revision item, which is
what lets a container trust the change log: revision n is visible only after every revision before it.
"""

import time
from collections.abc import Sequence
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.knowledge.article import Article, Entry, StoredArticle
from hotline.domain.knowledge.ports import Change, StaleWrite
from hotline.store import paging
from hotline.store.models import Json, TableModels

KNOWLEDGE, REVISION, CHANGES = "KNOWLEDGE", "REVISION", "KNOWLEDGE#CHANGES"
CHANGE_LOG_SECONDS = 7 * 24 * 3600
"""Longer than a Lambda container lives: an older container takes a snapshot instead."""


def _model(models: TableModels) -> Any:
    class KnowledgeItem(Model):
        Meta = models.item.Meta
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        doc = Json(null=True)  # an article version
        entry = Json(null=True)  # an article's search form
        revision = NumberAttribute(null=True)
        citations = NumberAttribute(null=True)
        expires_at = NumberAttribute(null=True)  # the table's TTL attribute

    return KnowledgeItem


def _article(article_id: str) -> str:
    return f"ARTICLE#{article_id}"


def _version(version: int) -> str:
    return f"VERSION#{version:06d}"


def _rev(revision: int) -> str:
    return f"REV#{revision:012d}"


def _cancelled_by_condition(error: TransactWriteError) -> list[bool]:
    """Per item of the transaction: whether its condition failed."""
    return [reason is not None and reason.code == "ConditionalCheckFailed" for reason in error.cancellation_reasons]


class DynamoKnowledgeStore:
    def __init__(self, models: TableModels) -> None:
        self._item = _model(models)
        self._connection = Connection(region=models.item.Meta.region)

    def get(self, article_id: str, *, consistent: bool = False) -> StoredArticle | None:
        latest = list(
            self._item.query(
                _article(article_id),
                self._item.sk.startswith("VERSION#"),
                scan_index_forward=False,
                limit=1,
                consistent_read=consistent,
            )
        )
        if not latest:
            return None
        try:
            counter = self._item.get(_article(article_id), "CITATIONS", consistent_read=consistent)
            citations = int(counter.citations or 0)
        except self._item.DoesNotExist:
            citations = 0
        return StoredArticle(article=Article.model_validate(latest[0].doc), citations=citations)

    def versions(self, article_id: str, page: PageRequest) -> Page[Article]:
        return paging.query_page(
            f"versions:{article_id}",
            page,
            lambda start: self._item.query(
                _article(article_id),
                self._item.sk.startswith("VERSION#"),
                scan_index_forward=False,
                limit=page.limit,
                last_evaluated_key=start,
            ),
            lambda item: Article.model_validate(item.doc),
        )

    def revision(self) -> int:
        try:
            return int(self._item.get(KNOWLEDGE, REVISION, consistent_read=True).revision or 0)
        except self._item.DoesNotExist:
            return 0

    def commit(self, article: Article, entry: Entry, revision: int) -> None:
        item, doc, indexed = self._item, article.model_dump(mode="json"), entry.model_dump(mode="json")
        try:
            with TransactWrite(connection=self._connection) as tx:
                if revision:
                    tx.update(
                        item(KNOWLEDGE, REVISION),
                        actions=[item.revision.set(revision + 1)],
                        condition=item.revision == revision,
                    )
                else:
                    tx.save(item(KNOWLEDGE, REVISION, revision=1), condition=item.pk.does_not_exist())
                tx.save(
                    item(_article(article.id), _version(article.version), doc=doc), condition=item.pk.does_not_exist()
                )
                tx.save(item(KNOWLEDGE, _article(article.id), entry=indexed))
                tx.save(
                    item(
                        CHANGES,
                        _rev(revision + 1),
                        entry=indexed,
                        revision=revision + 1,
                        expires_at=int(time.time()) + CHANGE_LOG_SECONDS,
                    )
                )
        except TransactWriteError as error:
            if any(_cancelled_by_condition(error)):
                raise StaleWrite from error
            raise

    def snapshot(self) -> tuple[int, list[Entry]]:
        revision = self.revision()  # first: what the Query returns is at least this new
        items = self._item.query(
            KNOWLEDGE, self._item.sk.startswith("ARTICLE#"), consistent_read=True, attributes_to_get=["entry"]
        )
        return revision, [Entry.model_validate(item.entry) for item in items]

    def changes_since(self, revision: int) -> list[Change]:
        items = self._item.query(CHANGES, self._item.sk > _rev(revision), consistent_read=True)
        return [Change(int(item.revision), Entry.model_validate(item.entry)) for item in items]

    def retired(self, article_ids: Sequence[str]) -> dict[str, bool]:
        """One BatchGetItem of the articles' entries (at most 20 a direct answer cites: under the 100 it takes)."""
        keys = [(KNOWLEDGE, _article(article_id)) for article_id in dict.fromkeys(article_ids)]
        items = self._item.batch_get(keys, consistent_read=True, attributes_to_get=["pk", "sk", "entry"])
        return {item.sk.removeprefix("ARTICLE#"): bool(item.entry["retired"]) for item in items}

    def cite(self, article_id: str, number: str) -> bool:
        item = self._item
        try:
            with TransactWrite(connection=self._connection) as tx:
                tx.condition_check(item, KNOWLEDGE, _article(article_id), condition=item.pk.exists())
                tx.save(item(_article(article_id), f"CITED#{number}"), condition=item.pk.does_not_exist())
                tx.update(item(_article(article_id), "CITATIONS"), actions=[item.citations.add(1)])
        except TransactWriteError as error:
            if any(_cancelled_by_condition(error)):
                return False  # an unknown article, or this ticket's citation was counted already
            raise
        return True

"""Ports: where articles, their versions, the index's change log, the built index's image and citations are kept."""

from typing import NamedTuple, Protocol

from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.knowledge.article import Article, Entry, StoredArticle


class StaleWrite(Exception):
    """Another write of the knowledge base landed between reading and committing: read again and retry."""


class Change(NamedTuple):
    revision: int
    entry: Entry


class ArticleFeed(Protocol):
    """What the search index is built and refreshed from: one revision number orders every article write."""

    def revision(self) -> int:
        """The number of the latest write (0 before the first)."""
        ...

    def snapshot(self) -> tuple[int, list[Entry]]:
        """The revision, then every article's current entry (retired ones too), at least as new as that revision."""
        ...

    def changes_since(self, revision: int) -> list[Change]:
        """The writes after `revision`, in order; the log keeps a week, so a gap means: take a snapshot."""
        ...


class ArticleStore(ArticleFeed, Protocol):
    def get(self, article_id: str, *, consistent: bool = False) -> StoredArticle | None: ...

    def versions(self, article_id: str, page: PageRequest) -> Page[Article]:
        """Every version of the article, newest first."""
        ...

    def commit(self, article: Article, entry: Entry, revision: int) -> None:
        """Store the article's new version as write `revision + 1`, or StaleWrite if that revision or this
        version of the article was written meanwhile."""
        ...


class IndexImages(Protocol):
    """Where the built search index is kept, as an SQLite database image, for new containers to start from."""

    def load(self) -> bytes | None:
        """The latest image, or None before the first."""
        ...

    def save(self, image: bytes) -> None: ...


class CitationLedger(Protocol):
    def cite(self, article_id: str, number: str) -> bool:
        """Count the ticket's citation of the article once: False when already counted or the article is unknown."""
        ...

"""The knowledge base's work: editors write, revise and retire articles; staff and the public search them.

Every write is a new version of the article (the old ones are kept), stored as the next revision of the whole
knowledge base, which is what keeps each container's search index current (search.LiveIndex).
"""

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from uuid import uuid4
from zoneinfo import ZoneInfo

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import Conflict, FieldProblem, InvalidInput, InvalidPageToken, NotFound
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.changes.change import SAVE_ATTEMPTS, jittered_pause
from hotline.domain.config.ports import UnitRepository
from hotline.domain.knowledge.article import Article, ArticleDraft, ArticleSummary, Entry, StoredArticle
from hotline.domain.knowledge.ports import ArticleStore, IndexImages, StaleWrite
from hotline.domain.knowledge.search import Hit, LiveIndex
from hotline.domain.staff.roles import KNOWLEDGE_EDITORS, Role, StaffMember
from hotline.domain.tickets.ports import CatalogRepository


@dataclass
class KnowledgeBase:
    articles: ArticleStore
    catalog: CatalogRepository
    units: UnitRepository
    clock: Clock
    zone: ZoneInfo
    new_id: Callable[[], str] = lambda: uuid4().hex[:12]
    pause: Callable[[int], None] = jittered_pause
    images: IndexImages = field(kw_only=True)
    """The stored image of the search index a new container starts from (kept up to date off the request path)."""
    index: LiveIndex = field(init=False)

    def __post_init__(self) -> None:
        self.index = LiveIndex(self.articles, self.images)

    # -- editors ------------------------------------------------------------------------------------------

    def create(self, by: StaffMember, draft: ArticleDraft) -> StoredArticle:
        by.require_any(KNOWLEDGE_EDITORS, "writing knowledge articles")
        self._check(draft)
        article_id = self.new_id()
        return self._write(article_id, lambda _: self._version(by, draft, article_id, None))

    def revise(self, by: StaffMember, article_id: str, draft: ArticleDraft, version: int | None) -> StoredArticle:
        """A new version replacing the text; `version`, when given, must be the current one."""
        by.require_any(KNOWLEDGE_EDITORS, "revising knowledge articles")
        self._check(draft)

        def revised(current: StoredArticle | None) -> Article:
            old = _live(_found(current, article_id), version)
            return self._version(by, draft, article_id, old)

        return self._write(article_id, revised)

    def retire(self, by: StaffMember, article_id: str) -> StoredArticle:
        """A last version, out of every search; it can still be read."""
        by.require_any(KNOWLEDGE_EDITORS, "retiring knowledge articles")

        def retired(current: StoredArticle | None) -> Article:
            old = _live(_found(current, article_id), None)
            now = self.clock.now()
            return old.model_copy(
                update={"version": old.version + 1, "retired_at": now, "updated_at": now, "updated_by": by.actor}
            )

        return self._write(article_id, retired)

    def _version(self, by: StaffMember, draft: ArticleDraft, article_id: str, old: Article | None) -> Article:
        now = self.clock.now()
        return Article(
            **draft.model_dump(exclude={"reviewed_at"}),
            id=article_id,
            version=old.version + 1 if old else 1,
            reviewed_at=draft.reviewed_at or self._today(),  # writing it is reviewing it
            created_at=old.created_at if old else now,
            updated_at=now,
            updated_by=by.actor,
        )

    def _write(self, article_id: str, make: Callable[[StoredArticle | None], Article]) -> StoredArticle:
        for tried in range(1, SAVE_ATTEMPTS + 1):
            current = self.articles.get(article_id, consistent=True)
            revision = self.articles.revision()
            article = make(current)
            try:
                self.articles.commit(article, Entry.of(article), revision)
            except StaleWrite:
                if tried == SAVE_ATTEMPTS:
                    raise Conflict("the knowledge base is busy; try again", code="version_mismatch") from None
                self.pause(tried)
                continue
            return StoredArticle(article=article, citations=current.citations if current else 0)
        raise AssertionError("unreachable")

    def _check(self, draft: ArticleDraft) -> None:
        problems = []
        if not any(node.code == draft.category for node, _ in self.catalog.get().walk()):
            problems.append(FieldProblem("category", f"'{draft.category}' is not in the catalogue"))
        if draft.owner_unit is not None and self.units.get(draft.owner_unit) is None:
            problems.append(FieldProblem("owner_unit", f"no unit '{draft.owner_unit}'"))
        if problems:
            raise InvalidInput("the article has invalid values", problems)

    # -- readers ------------------------------------------------------------------------------------------

    def get(self, article_id: str) -> StoredArticle:
        return _found(self.articles.get(article_id, consistent=True), article_id)  # an editor reads what they wrote

    def public(self, article_id: str) -> Article:
        """An article anyone may read: public and valid today (any other is unknown)."""
        stored = self.articles.get(article_id)
        if stored is None or not stored.article.public or not stored.article.valid_on(self._today()):
            raise NotFound(f"no article {article_id!r}")
        return stored.article

    def versions(self, article_id: str, page: PageRequest) -> Page[Article]:
        found = self.articles.versions(article_id, page)
        if not found.items and page.token is None:
            raise NotFound(f"no article {article_id!r}")
        return found

    def search(self, query: str, limit: int) -> list[Hit]:
        """Staff: every article in force (not retired), best first."""
        return self.index.use(lambda index: index.search(query, limit=limit))

    def faq(self, query: str, limit: int) -> list[Hit]:
        """Anyone: public articles valid today, best first."""
        today = self._today()
        return self.index.use(lambda index: index.search(query, limit=limit, public_on=today))

    def review_due(self, by: StaffMember, unit: str | None, page: PageRequest) -> Page[ArticleSummary]:
        """Articles whose review is due, the most overdue first; a unit's staff see their own unit's."""
        if not by.roles - {Role.UNIT}:
            unit = by.unit_id or ""
        after = _after(page.token)
        today = self._today()
        items = self.index.use(lambda index: index.review_due(on=today, unit=unit, after=after, limit=page.limit))
        last = items[-1] if len(items) == page.limit else None
        return Page[ArticleSummary](items=items, next=_token(last) if last else None)

    def _today(self) -> date:
        return self.clock.now().astimezone(self.zone).date()


def _found(stored: StoredArticle | None, article_id: str) -> StoredArticle:
    if stored is None:
        raise NotFound(f"no article {article_id!r}")
    return stored


def _live(stored: StoredArticle, version: int | None) -> Article:
    article = stored.article
    if article.retired_at is not None:
        raise Conflict("the article is retired", code="article_retired", current_status="retired")
    if version is not None and version != article.version:
        raise Conflict(f"the article is at version {article.version}", code="version_mismatch", current_status="active")
    return article


def _token(last: ArticleSummary) -> str:
    raw = f"{last.review_due.isoformat()}|{last.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(token: str | None) -> tuple[str, str] | None:
    if token is None:
        return None
    try:
        due, article_id = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().split("|")
        return date.fromisoformat(due).isoformat(), article_id
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidPageToken("the 'next' token is not valid for this listing") from error

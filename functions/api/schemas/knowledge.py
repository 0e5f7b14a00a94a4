"""The knowledge base: articles as editors write them and staff read them, search results, the public FAQ."""

from datetime import date

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.knowledge.article import Article, ArticleDraft, ArticleSummary, StoredArticle
from hotline.domain.knowledge.search import Hit
from pydantic import BaseModel, Field


class ArticleRevision(ArticleDraft):
    version: int | None = Field(
        default=None, ge=1, description="The version you revised; if the article has moved on since, 409."
    )


class ArticleView(Article):
    citations: int = Field(description="Tickets whose direct answer (直办) cited this article.")

    @classmethod
    def of_stored(cls, stored: StoredArticle) -> "ArticleView":
        return cls(**stored.article.model_dump(), citations=stored.citations)


class ArticleVersions(BaseModel):
    items: list[Article] = Field(description="Newest first.")
    next: str | None = None


class KnowledgeHit(ArticleSummary):
    snippet: str = Field(description="The body around the best match, as HTML: text escaped, matches in <mark>.")
    score: float = Field(description="Relevance (BM25); higher is better.")

    @classmethod
    def of(cls, hit: Hit) -> "KnowledgeHit":
        return cls(**hit.article.model_dump(), snippet=hit.snippet, score=hit.score)


class KnowledgeResults(BaseModel):
    items: list[KnowledgeHit] = Field(description="Best first.")


class ReviewDue(BaseModel):
    items: list[ArticleSummary] = Field(description="The most overdue first.")
    next: str | None = None


class FaqHit(BaseModel):
    id: str
    title: str
    snippet: str = Field(description="The answer around the best match, as HTML: text escaped, matches in <mark>.")
    score: float
    category: str
    updated_at: UtcDatetime

    @classmethod
    def of(cls, hit: Hit) -> "FaqHit":
        return cls(
            **hit.article.model_dump(include={"id", "title", "category", "updated_at"}),
            snippet=hit.snippet,
            score=hit.score,
        )


class FaqResults(BaseModel):
    items: list[FaqHit] = Field(description="Best first.")


class FaqArticle(BaseModel):
    id: str
    title: str
    body: str
    category: str
    keywords: list[str]
    valid_until: date | None
    updated_at: UtcDatetime

    @classmethod
    def of(cls, article: Article) -> "FaqArticle":
        return cls.model_validate(article.model_dump(include=set(cls.model_fields)))

"""Knowledge articles: written, revised and retired by editors, every version kept, each owned and reviewed."""

from datetime import date, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, computed_field

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.knowledge.text import fold
from hotline.domain.tickets.ticket import Actor, Text

REVIEW_EVERY = timedelta(days=180)
"""An article is due for review this long after its last review (or at the end of its validity, if sooner)."""

Keyword = Annotated[Text, Field(max_length=32)]
UnitId = Annotated[str, Field(pattern=r"^[a-z0-9-]{2,64}$", description="The unit that owns the article.")]


class ArticleDraft(BaseModel):
    """What an editor writes: a new article, or a revision that replaces the whole text."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[Text, Field(max_length=200)]
    body: Annotated[Text, Field(max_length=20000)]
    category: Annotated[str, Field(min_length=1, max_length=64, description="A category code of the catalogue.")]
    keywords: list[Keyword] = Field(default_factory=list, max_length=20, description="Words callers use for it.")
    public: bool = Field(description="Searchable without login (`GET /v1/faq`); otherwise for staff only.")
    owner_unit: UnitId | None = None
    valid_until: date | None = Field(default=None, description="The last day the answer holds (inclusive).")
    reviewed_at: date | None = Field(default=None, description="Day of the last review; the day of this write if none.")


class Article(ArticleDraft):
    model_config = ConfigDict(extra="ignore")  # a stored version carries its `review_due` as written

    id: str
    version: int = Field(ge=1, description="1 when written, one more at each revision and at retirement.")
    reviewed_at: date
    retired_at: UtcDatetime | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    updated_by: Actor

    @computed_field  # type: ignore[prop-decorator]
    @property
    def review_due(self) -> date:
        """When the article must next be reviewed."""
        due = self.reviewed_at + REVIEW_EVERY
        return min(due, self.valid_until) if self.valid_until else due

    def valid_on(self, day: date) -> bool:
        return self.retired_at is None and (self.valid_until is None or day <= self.valid_until)


class StoredArticle(BaseModel):
    article: Article
    citations: int = Field(default=0, description="Tickets whose direct answer cited the article.")


class ArticleSummary(BaseModel):
    """An article in a list: what search results and the review list show."""

    id: str
    version: int
    title: str
    category: str
    keywords: list[str]
    public: bool
    owner_unit: str | None
    valid_until: date | None
    review_due: date
    updated_at: UtcDatetime


class FoldedText(BaseModel):
    title: str
    keywords: str
    body: str


class Entry(ArticleSummary):
    """An article as the search index takes it, its text folded once when it is written (folding is the slow part)."""

    retired: bool
    folded: FoldedText

    @classmethod
    def of(cls, article: Article) -> "Entry":
        return cls(
            **article.model_dump(include=set(ArticleSummary.model_fields) - {"review_due"}),
            review_due=article.review_due,
            retired=article.retired_at is not None,
            folded=FoldedText(
                title=fold(article.title), keywords=fold(" ".join(article.keywords)), body=fold(article.body)
            ),
        )

    @property
    def summary(self) -> ArticleSummary:
        return ArticleSummary.model_validate(self.model_dump(include=set(ArticleSummary.model_fields)))

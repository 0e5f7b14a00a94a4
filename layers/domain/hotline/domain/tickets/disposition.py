"""Direct handling (直办): the agent who takes a call answers it, or refers the caller to another agency."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hotline.domain.base.errors import FieldProblem, InvalidInput
from hotline.domain.tickets.ports import ArticleShelf
from hotline.domain.tickets.ticket import Resolution, Text

Answer = Annotated[Text, Field(max_length=2000, description="What the caller was told; the customer reads it.")]
Agency = Annotated[
    Text, Field(max_length=100, description="Where the caller was referred: 12348 (legal aid), 110 (police) …")
]
ArticleId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
Articles = Annotated[
    list[ArticleId],
    Field(max_length=20, description="Ids of the knowledge articles the answer came from (counted per article)."),
]

DIRECT = frozenset({Resolution.DIRECT_ANSWER, Resolution.REFERRED})
"""The resolutions of a ticket closed where it was received, never routed to a unit."""


class Disposition(BaseModel):
    """How the agent settled the matter: `direct_answer` needs the `answer`, `referred` the `agency`."""

    model_config = ConfigDict(extra="forbid")

    resolution: Literal[Resolution.DIRECT_ANSWER, Resolution.REFERRED]
    answer: Answer | None = None
    agency: Agency | None = None
    articles: Articles = Field(default_factory=list)
    note: Annotated[Text, Field(max_length=2000, description="For the centre's record.")] | None = None

    def checked(self, prefix: str = "") -> "Disposition":
        """This disposition, or 422 naming the field it lacks or should not have (`prefix`: where the request holds
        it). A referral may say what the caller was told (`answer`); a direct answer refers nowhere."""
        if self.resolution is Resolution.DIRECT_ANSWER and self.agency is not None:
            stray = FieldProblem(prefix + "agency", "only a referral names an agency")
            raise InvalidInput("a direct answer refers nowhere", [stray])
        needed = "answer" if self.resolution is Resolution.DIRECT_ANSWER else "agency"
        if getattr(self, needed) is None:
            problem = (
                "a direct answer records the answer given to the caller"
                if needed == "answer"
                else "a referral names the agency the caller was sent to, e.g. 12348"
            )
            raise InvalidInput(f"{self.resolution.value} needs the {needed}", [FieldProblem(prefix + needed, problem)])
        return self

    def citing(self, shelf: ArticleShelf, prefix: str = "") -> "Disposition":
        """This disposition, or 422 naming each cited article (`{prefix}articles[i]`) that is unknown or retired:
        a citation counts for the article, so it names one the agent could have answered from."""
        if not self.articles:
            return self
        found = shelf.retired(self.articles)
        problems = [
            FieldProblem(
                f"{prefix}articles[{i}]",
                f"article {article_id!r} is retired" if article_id in found else f"no article {article_id!r}",
            )
            for i, article_id in enumerate(self.articles)
            if found.get(article_id, True)
        ]
        if problems:
            raise InvalidInput("a direct answer cites only articles in force", problems)
        return self

    @property
    def public_text(self) -> str:
        """What the customer reads: the answer, or where to turn."""
        return self.answer if self.answer is not None else referral_text(self.agency or "")


def referral_text(agency: str) -> str:
    return f"您的诉求由{agency}受理，已告知您向{agency}反映。"

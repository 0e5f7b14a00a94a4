"""What staff send to act on a ticket. `version`, when given, must match the ticket's (optimistic locking)."""

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from hotline.domain.base.calendar import Duration
from hotline.domain.tickets.catalog import Priority
from hotline.domain.tickets.disposition import Agency, Answer, Articles
from hotline.domain.tickets.ticket import Resolution, Text

Note = Annotated[Text, Field(max_length=2000)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ClassVar[str]
    """The action's name: its route (`POST /v1/staff/tickets/{number}/{name}`) and its entry in the staff view's
    `actions`."""

    version: int | None = Field(default=None, description="The version you read; 409 if the ticket changed since.")


class Dispatch(Command):
    name: ClassVar[str] = "dispatch"
    unit_id: Annotated[str, Field(pattern=r"^[a-z0-9-]{2,64}$")]
    note: Note | None = None


class Accept(Command):
    name: ClassVar[str] = "accept"
    note: Note | None = None


class RequestInfo(Command):
    name: ClassVar[str] = "request-info"
    question: Note = Field(description="What the customer is asked for; shown to the customer.")


class InfoReceived(Command):
    name: ClassVar[str] = "info-received"
    note: Note


class Reply(Command):
    name: ClassVar[str] = "reply"
    result: Note = Field(description="The result given to the customer.")
    cause_code: Annotated[Text, Field(max_length=64)] = Field(
        description="Why the problem arose, for the cause analysis: a code of the cause catalogue "
        "(`GET /v1/staff/config/causes`, e.g. `construction.permit`) or its Chinese name (`违规施工（超时、无证）`); "
        "the code is stored. Anything else is 422."
    )


class Return(Command):
    name: ClassVar[str] = "return"
    reason: Note


class RequestExtension(Command):
    name: ClassVar[str] = "request-extension"
    extend_by: Duration
    reason: Note


class DecideExtension(Command):
    name: ClassVar[str] = "decide-extension"
    approve: bool
    note: Note | None = None


class Urge(Command):
    name: ClassVar[str] = "urge"
    note: Note | None = None


class Supervise(Command):
    name: ClassVar[str] = "supervise"
    note: Note


class Close(Command):
    name: ClassVar[str] = "close"
    resolution: Resolution
    note: Note | None = None
    duplicate_of: Annotated[str, Field(pattern=r"^\d{4}-\d{6}$")] | None = None
    answer: Answer | None = Field(default=None, description="Required for `direct_answer`.")
    agency: Agency | None = Field(default=None, description="Required for `referred`.")
    articles: Articles = Field(default_factory=list)


class Reopen(Command):
    name: ClassVar[str] = "reopen"
    reason: Note


class ChangePriority(Command):
    name: ClassVar[str] = "change-priority"
    priority: Priority
    reason: Note


class Publish(Command):
    name: ClassVar[str] = "publish"
    public: bool = Field(
        description="true: shown on the public map (place coarsened, nothing personal); false: hidden."
    )
    reason: Note = Field(description="Why, e.g. the caller agreed; recorded on the timeline.")

"""Major incidents (重大事件): what staff read and send."""

from typing import Annotated

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.incidents.area import Area
from hotline.domain.incidents.incident import ID_PATTERN, Incident, IncidentStatus, Scope, Trigger
from hotline.domain.incidents.rules import MAX_DECLARED
from hotline.domain.tickets.ticket import Actor, Text
from pydantic import BaseModel, ConfigDict, Field

from functions.api.schemas.duplicates import Number

IncidentId = Annotated[str, Field(pattern=ID_PATTERN, examples=["261121-080012-3fa2c9"])]


class IncidentView(BaseModel):
    id: str = Field(examples=["261121-080012-3fa2c9"])
    title: str = Field(examples=["供电（chaoyang）"])
    category: str
    area: Area | None = Field(description="A region, or a circle (lat, long, radius_m); None when no ticket gave one.")
    holds: list[Scope] = Field(description="While open: the categories and areas later tickets join it from.")
    status: IncidentStatus
    trigger: Trigger = Field(description="burst (enough similar tickets), urgent (one urgent ticket), manual.")
    primary: str = Field(description="The ticket every other one is bound to.")
    tickets: list[str] = Field(description="Every ticket's number, the primary first.")
    first_seen: UtcDatetime = Field(description="When its first ticket was received.")
    last_seen: UtcDatetime = Field(description="When its latest ticket was received.")
    declared_at: UtcDatetime
    declared_by: Actor
    ended_at: UtcDatetime | None
    ended_by: Actor | None
    result: str | None = Field(description="What resolving it told every customer.")
    reason: str | None = Field(description="Why it was dismissed.")
    merged_into: str | None = Field(description="The incident that took this one's tickets.")

    @classmethod
    def of(cls, incident: Incident) -> "IncidentView":
        return cls.model_validate(incident.model_dump(include=set(cls.model_fields)))


class IncidentList(BaseModel):
    items: list[IncidentView]
    next: str | None = None


class IncidentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tickets: list[Number] = Field(
        min_length=1, max_length=MAX_DECLARED, description="Its tickets; the earliest received is the primary."
    )
    title: Annotated[Text, Field(max_length=200)] | None = Field(
        default=None, description="By default the category's name and the primary's area."
    )


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    other: IncidentId = Field(description="The incident whose tickets and areas this one takes.")


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: Annotated[Text, Field(max_length=2000)] = Field(
        description="What was done: every ticket's reply, which each customer is told and surveyed on."
    )
    cause_code: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, description="From the cause catalogue (code or Chinese name); `other` by default."
    )


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[Text, Field(max_length=2000)] | None = Field(default=None, description="Why, for the record.")

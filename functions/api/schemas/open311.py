"""Open311 GeoReport v2 answers: each renders as JSON and as XML (functions/api/routes/open311.py), and what
is sent is what is documented."""

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from hotline.domain.intake.open311 import RequestRow, Service
from pydantic import BaseModel, ConfigDict, Field, RootModel


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Open311Error(_Answer):
    code: int = Field(description="The HTTP status")
    description: str


class Open311Errors(RootModel[list[Open311Error]]):
    """Open311's error list (in XML: <errors><error><code/><description/></error></errors>)."""


class Open311Endpoint(_Answer):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Open311Discovery(_Answer):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Open311Endpoint]


class Open311Service(_Answer):
    service_code: str = Field(description="A leaf category's code")
    service_name: str
    description: str
    metadata: Literal[False] = Field(description="No service defines extra attributes")
    type: Literal["realtime"]
    keywords: str
    group: str = Field(description="The parent category's name")

    @classmethod
    def of(cls, service: Service) -> "Open311Service":
        category = service.category
        return cls(
            service_code=category.code,
            service_name=category.name,
            description=f"{category.name} ({category.name_zh})",
            metadata=False,
            type="realtime",
            keywords=", ".join(dict.fromkeys([category.name_zh, *category.code.split(".")])),
            group=service.group,
        )


class Open311Services(RootModel[list[Open311Service]]):
    pass


class Open311ServiceDefinition(_Answer):
    service_code: str
    attributes: list[dict[str, Any]] = Field(max_length=0, description="Always empty: no extra attributes")


class Open311Request(_Answer):
    """A public request (coarse place, nothing personal), or in full one that the reading partner sent."""

    service_request_id: str = Field(description="The ticket number")
    status: Literal["open", "closed"]
    status_notes: str | None = Field(description="The latest public note: only on the reading partner's own")
    service_name: str
    service_code: str
    description: str | None = Field(None, description="Only on the reading partner's own requests")
    agency_responsible: str | None = Field(description="The unit's id")
    service_notice: None
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None = Field(description="The open resolve deadline, or the dispatch deadline")
    address: str | None = Field(description="The street only, unless the request is the reading partner's own")
    address_id: None
    zipcode: None
    lat: float | None = Field(description="Rounded to about 100 m, unless the request is the reading partner's own")
    long: float | None
    media_url: str | None = Field(description="The first https attachment: only on the reading partner's own")

    @classmethod
    def of(cls, row: RequestRow) -> "Open311Request":
        fields = asdict(row)
        if row.description is None:  # left out of the answer, not sent as null
            del fields["description"]
        return cls(**fields, service_notice=None, address_id=None, zipcode=None)


class Open311Requests(RootModel[list[Open311Request]]):
    pass


class Open311Token(_Answer):
    service_request_id: str
    token: str


class Open311Tokens(RootModel[list[Open311Token]]):
    pass


class Open311Receipt(_Answer):
    service_request_id: str = Field(description="The new ticket's number")
    token: str = Field(description="The same number: requests are created at once")
    service_notice: None
    account_id: None


class Open311Receipts(RootModel[list[Open311Receipt]]):
    pass

"""A report as stored: what it covers, who asked, where it stands, its headline figures and its files."""

from enum import StrEnum

from pydantic import BaseModel, Field

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.reports.figures import Rate
from hotline.domain.reports.policy import Period
from hotline.domain.tickets.ticket import Actor


class ReportStatus(StrEnum):
    PENDING = "pending"
    """Asked for; the reports function generates it (retried until it succeeds, then dead-lettered)."""
    READY = "ready"


class FileFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    HTML = "html"


CONTENT_TYPES = {
    FileFormat.JSON: "application/json; charset=utf-8",
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.HTML: "text/html; charset=utf-8",
}


class ReportFile(BaseModel):
    format: FileFormat
    key: str = Field(description="The object's key in the reports bucket.")
    name: str = Field(description="The file name a download is saved as.")
    bytes: int = 0

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


class FileLink(BaseModel):
    format: FileFormat
    name: str
    bytes: int
    url: str = Field(description="A presigned download link, valid until `expires_at`.")
    expires_at: UtcDatetime


class Headline(BaseModel):
    """The figures a listing shows."""

    received: int
    replied: int
    resolve_on_time: Rate
    satisfaction: Rate


class ReportRecord(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9-]{1,80}$")
    title: str
    period: Period
    status: ReportStatus
    requested_by: Actor
    requested_at: UtcDatetime
    generated_at: UtcDatetime | None = None
    headline: Headline | None = None
    files: list[ReportFile] = Field(default_factory=list, description="The centre's bulletin in each format.")
    units: dict[str, str] = Field(
        default_factory=dict, description="Each unit's own figures: unit id -> the key of its JSON bulletin."
    )

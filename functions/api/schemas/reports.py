"""Reports and the dashboard: the listing, one report with its summary and download links, an order."""

from datetime import date
from typing import Annotated

from hotline.domain.base.clock import UtcDatetime
from hotline.domain.reports.bulletin import Bulletin
from hotline.domain.reports.desk import ReportView
from hotline.domain.reports.policy import Period
from hotline.domain.reports.record import FileLink, Headline, ReportRecord, ReportStatus
from hotline.domain.tickets.ticket import Actor
from pydantic import BaseModel, ConfigDict, Field

LocalDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2999, 12, 31))]


class ReportOrder(BaseModel):
    """A report of the centre's local days `from`..`to` (both included), at most a year, none after today."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    first: LocalDate = Field(alias="from", description="The first local day, e.g. 2026-11-01.")
    last: LocalDate = Field(alias="to", description="The last local day, e.g. 2026-11-30.")


class ReportSummary(BaseModel):
    id: str
    title: str
    period: Period
    status: ReportStatus = Field(description="`pending` until generated (seconds to minutes), then `ready`.")
    requested_by: Actor = Field(description="`system` for the scheduled bulletins.")
    requested_at: UtcDatetime
    generated_at: UtcDatetime | None
    headline: Headline | None

    @classmethod
    def of(cls, record: ReportRecord) -> "ReportSummary":
        return cls.model_validate(record.model_dump(include=set(cls.model_fields)))


class ReportList(BaseModel):
    items: list[ReportSummary]
    next: str | None = None


class ReportDetail(ReportSummary):
    unit_id: str | None = Field(description="Whose figures `summary` holds: a unit's, or null for the whole centre.")
    summary: Bulletin | None = Field(description="The bulletin (null while pending).")
    files: list[FileLink] = Field(
        description="Short-lived download links: JSON, CSV, XLSX and the HTML page for the centre's figures, the "
        "unit's own JSON for a unit's."
    )

    @classmethod
    def of_view(cls, view: ReportView) -> "ReportDetail":
        base = ReportSummary.of(view.record).model_dump()
        return cls.model_validate({**base, "unit_id": view.unit_id, "summary": view.bulletin, "files": view.links})

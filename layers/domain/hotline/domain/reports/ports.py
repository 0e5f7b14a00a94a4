"""Ports of the reports: the aggregates, the report records, their files and their announcement."""

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.reports.figures import Count, Daily
from hotline.domain.reports.policy import ReportKind, ReportPolicy
from hotline.domain.reports.record import FileLink, ReportFile, ReportRecord
from hotline.domain.reports.tally import ALL, Tally


class Aggregates(Protocol):
    def add(self, tally: Tally) -> bool:
        """Add the tally's counters, unless its event was counted before: False then, and nothing changes. All of a
        tally's counters change together, or none."""
        ...

    def totals(self, first: date, last: date) -> Iterable[Count]:
        """Every (dimension, value) counted in the local days `first`..`last`, summed: what it reads grows with the
        months and days and the dimensions' values, never with the tickets."""
        ...

    def daily(self, first: date, last: date, dimension: str = ALL, value: str = ALL) -> Daily:
        """The counters of one (dimension, value) on each of the days (the trend)."""
        ...


class ReportRecords(Protocol):
    def get(self, report_id: str, *, consistent: bool = False) -> ReportRecord | None: ...

    def claim(self, record: ReportRecord) -> ReportRecord:
        """Store `record` unless one with its id exists; the stored one either way."""
        ...

    def save(self, record: ReportRecord) -> None: ...

    def list(self, kind: ReportKind | None, page: PageRequest) -> Page[ReportRecord]:
        """Newest requested first."""
        ...

    def policy(self) -> ReportPolicy: ...

    def save_policy(self, policy: ReportPolicy) -> None: ...


class ReportFiles(Protocol):
    def put(self, file: ReportFile, body: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def link(self, file: ReportFile) -> FileLink:
        """A short-lived download link."""
        ...


class ReportRequests(Protocol):
    def request(self, report_id: str) -> None:
        """Ask for the report to be generated (it is, asynchronously, at least once)."""
        ...


class Announcer(Protocol):
    def published(self, record: ReportRecord) -> None:
        """Tell the event bus (`report.published`) and the e-mail subscribers."""
        ...

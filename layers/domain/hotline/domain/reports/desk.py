"""The reports' three jobs: counting each stored write's events (`Aggregator`, the table stream's second consumer),
generating and publishing bulletins (`Publisher`, on schedule or on request) and the staff's reads (`ReportDesk`)."""

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import FieldProblem, InvalidInput, NotFound
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.reports import files, page
from hotline.domain.reports.bulletin import Bulletin, Names, compose
from hotline.domain.reports.figures import Count, Figures
from hotline.domain.reports.policy import MAX_DAYS, Period, ReportKind, ReportPolicy, scheduled_period
from hotline.domain.reports.ports import Aggregates, Announcer, ReportFiles, ReportRecords, ReportRequests
from hotline.domain.reports.record import FileFormat, FileLink, Headline, ReportFile, ReportRecord, ReportStatus
from hotline.domain.reports.tally import UNIT, tallies
from hotline.domain.staff.roles import ADMIN_ROLES, REPORT_READERS, SUPERVISION_ROLES, StaffMember
from hotline.domain.tickets.ticket import SYSTEM, Ticket, TicketEvent


@dataclass(frozen=True)
class Aggregator:
    aggregates: Aggregates
    zone: ZoneInfo

    def take(self, ticket: Ticket, events: list[TicketEvent]) -> int:
        """Count a stored write's events (`ticket` as it left it); returns how many were counted now, so a redelivered
        write returns 0."""
        return sum(self.aggregates.add(counted) for counted in tallies(ticket, events, self.zone))


def unit_bulletin(aggregates: Aggregates, rows: Sequence[Count], centre: Bulletin, names: Names, unit: str) -> Bulletin:
    """A unit's own bulletin beside the centre's: its figures, and its line of the centre's assessment (its rank)."""
    period = centre.period
    daily = aggregates.daily(period.first, period.last, UNIT, unit)
    own = compose(Figures.of(rows, daily, unit), period, names, centre.policy, centre.generated_at, unit)
    return own.model_copy(update={"assessment": [line for line in centre.assessment if line.unit_id == unit]})


def bulletins(
    aggregates: Aggregates, period: Period, names: Names, policy: ReportPolicy, at: datetime, unit: str | None = None
) -> tuple[Bulletin, list[Count]]:
    """The centre's bulletin of the period, or with `unit` that unit's own; and the counts they come from."""
    rows = list(aggregates.totals(period.first, period.last))
    centre = compose(Figures.of(rows, aggregates.daily(period.first, period.last)), period, names, policy, at)
    return (centre if unit is None else unit_bulletin(aggregates, rows, centre, names, unit)), rows


def _headline(bulletin: Bulletin) -> Headline:
    return Headline(
        received=bulletin.basics.received,
        replied=bulletin.basics.replied,
        resolve_on_time=bulletin.basics.resolve_on_time,
        satisfaction=bulletin.callbacks.satisfaction,
    )


RENDERERS: dict[FileFormat, Callable[[Bulletin], bytes]] = {
    FileFormat.JSON: files.to_json,
    FileFormat.CSV: files.to_csv,
    FileFormat.XLSX: files.to_xlsx,
    FileFormat.HTML: page.render,
}


@dataclass(frozen=True)
class Publisher:
    aggregates: Aggregates
    records: ReportRecords
    files: ReportFiles
    announcers: Sequence[Announcer]
    """The event bus and the e-mail topic: told at least once (a repeated generation tells them again)."""
    names: Callable[[], Names]
    clock: Clock
    zone: ZoneInfo

    def scheduled(self, kind: ReportKind, fired_at: datetime) -> ReportRecord:
        """The report a schedule firing at `fired_at` asks for, generated unless it already is: however often the
        schedule's delivery is repeated, one report per kind and period, published once."""
        period = scheduled_period(kind, fired_at.astimezone(self.zone))
        pending = ReportRecord(
            id=period.id,
            title=period.title,
            period=period,
            status=ReportStatus.PENDING,
            requested_by=SYSTEM,
            requested_at=self.clock.now(),
        )
        return self.generate(self.records.claim(pending).id)

    def generate(self, report_id: str) -> ReportRecord:
        """Read the period's aggregates, compose the centre's bulletin and each unit's, store them as files, mark the
        report ready and announce it. A report that is ready already is left as it is."""
        record = self.records.get(report_id, consistent=True)
        if record is None:
            raise NotFound(f"no report {report_id!r}")
        if record.status is ReportStatus.READY:
            return record
        names = self.names()
        centre, rows = bulletins(self.aggregates, record.period, names, self.records.policy(), self.clock.now())
        stored = []
        for fmt, render in RENDERERS.items():
            file = ReportFile(
                format=fmt, key=f"reports/{record.id}/report.{fmt.value}", name=f"{record.id}.{fmt.value}"
            )
            body = render(centre)
            self.files.put(file, body)
            stored.append(file.model_copy(update={"bytes": len(body)}))
        units = {}
        for line in centre.assessment:
            file = ReportFile(
                format=FileFormat.JSON,
                key=f"reports/{record.id}/units/{line.unit_id}.json",
                name=f"{record.id}-{line.unit_id}.json",
            )
            self.files.put(file, files.to_json(unit_bulletin(self.aggregates, rows, centre, names, line.unit_id)))
            units[line.unit_id] = file.key
        ready = record.model_copy(
            update={
                "status": ReportStatus.READY,
                "generated_at": centre.generated_at,
                "headline": _headline(centre),
                "files": stored,
                "units": units,
            }
        )
        self.records.save(ready)
        for announcer in self.announcers:
            announcer.published(ready)
        return ready


@dataclass(frozen=True)
class ReportView:
    record: ReportRecord
    unit_id: str | None
    bulletin: Bulletin | None
    links: list[FileLink]


def _year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class ReportDesk:
    aggregates: Aggregates
    records: ReportRecords
    files: ReportFiles
    requests: ReportRequests
    names: Callable[[], Names]
    clock: Clock
    zone: ZoneInfo

    def list(self, staff: StaffMember, kind: ReportKind | None, page_request: PageRequest) -> Page[ReportRecord]:
        staff.require_any(REPORT_READERS, "reading reports")
        return self.records.list(kind, page_request)

    def read(self, staff: StaffMember, report_id: str, unit: str | None = None) -> ReportView:
        """The report with its summary (the centre's, or one unit's) and short-lived links to its files. A unit's
        figures come with the link to that unit's JSON only: the centre's files hold every unit's."""
        scope = staff.figures_of(unit)
        record = self.records.get(report_id)
        if record is None:
            raise NotFound(f"no report {report_id!r}")
        if record.status is not ReportStatus.READY:
            return ReportView(record, scope, None, [])
        if scope is None:
            (summary,) = [file for file in record.files if file.format is FileFormat.JSON]
            return ReportView(record, None, self._bulletin(summary.key), [self.files.link(f) for f in record.files])
        key = record.units.get(scope)
        if key is None:  # the unit had nothing counted in the period
            empty = compose(
                Figures(),
                record.period,
                self.names(),
                self.records.policy(),
                record.generated_at or self.clock.now(),
                scope,
            )
            return ReportView(record, scope, empty, [])
        own = ReportFile(format=FileFormat.JSON, key=key, name=f"{record.id}-{scope}.json")
        return ReportView(record, scope, self._bulletin(key), [self.files.link(own)])

    def request(self, staff: StaffMember, first: date, last: date) -> ReportRecord:
        """A report of the local days `first`..`last` (at most a year, none after today), generated asynchronously."""
        staff.require_any(SUPERVISION_ROLES, "ordering a report")
        today = self.clock.now().astimezone(self.zone).date()
        problems = []
        if last < first:
            problems.append(FieldProblem("to", "must not be before `from`"))
        elif last >= _year_later(first) or (last - first).days >= MAX_DAYS:
            problems.append(
                FieldProblem("to", f"a report covers at most a year: until {_year_later(first) - timedelta(days=1)}")
            )
        if last > today:
            problems.append(FieldProblem("to", f"must not be after today ({today.isoformat()})"))
        if problems:
            raise InvalidInput("the period is not one a report can cover", problems)
        period = Period(kind=ReportKind.CUSTOM, first=first, last=last)
        record = ReportRecord(
            id=f"custom-{first.isoformat()}-{last.isoformat()}-{secrets.token_hex(3)}",
            title=period.title,
            period=period,
            status=ReportStatus.PENDING,
            requested_by=staff.actor,
            requested_at=self.clock.now(),
        )
        self.records.save(record)
        self.requests.request(record.id)
        return record

    def dashboard(self, staff: StaffMember, unit: str | None = None) -> Bulletin:
        """Today's figures so far (the centre's, or one unit's), live from the aggregates."""
        scope = staff.figures_of(unit)
        now = self.clock.now()
        today = now.astimezone(self.zone).date()
        period = Period(kind=ReportKind.TODAY, first=today, last=today)
        return bulletins(self.aggregates, period, self.names(), self.records.policy(), now, scope)[0]

    def policy(self, staff: StaffMember) -> ReportPolicy:
        staff.require_any(REPORT_READERS, "reading reports")
        return self.records.policy()

    def replace_policy(self, staff: StaffMember, policy: ReportPolicy) -> ReportPolicy:
        staff.require_any(ADMIN_ROLES, "changing the report policy")
        self.records.save_policy(policy)
        return policy

    def _bulletin(self, key: str) -> Bulletin:
        body = self.files.get(key)
        if body is None:
            raise NotFound("the report's files are gone")
        return Bulletin.model_validate_json(body)

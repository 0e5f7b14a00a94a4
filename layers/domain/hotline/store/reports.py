"""Report records and the report policy in DynamoDB.

REPORT#<id> / REPORT              the report (what it covers, its status, headline figures, its files' keys)
REPORTS     / <requested at>#<id> a copy for the listing, newest first (one Query, no Scan), and another under
REPORTS#<kind>                    for the listing of one kind
CONFIG#reports / CONFIG           the report policy (thresholds, weights), the default until an admin stores one
"""

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from hotline.domain.base.clock import to_iso_z
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.reports.policy import DEFAULT_POLICY, ReportKind, ReportPolicy
from hotline.domain.reports.record import ReportRecord
from hotline.store import paging
from hotline.store.config_cache import ConfigCache
from hotline.store.models import TableModels


def _listing_sk(record: ReportRecord) -> str:
    return f"{to_iso_z(record.requested_at)}#{record.id}"


class DynamoReportRecords:
    def __init__(self, models: TableModels, cache: ConfigCache | None = None) -> None:
        self._cache = cache  # configuration writes bump the stamp (hotline.store.config_cache)
        self._item = models.item
        self._connection = Connection(region=models.item.Meta.region)

    def get(self, report_id: str, *, consistent: bool = False) -> ReportRecord | None:
        try:
            doc = self._item.get(f"REPORT#{report_id}", "REPORT", consistent_read=consistent).doc
        except self._item.DoesNotExist:
            return None
        return ReportRecord.model_validate(doc)

    def claim(self, record: ReportRecord) -> ReportRecord:
        try:
            self._write(record, new=True)
        except TransactWriteError as error:
            if not any(
                reason is not None and reason.code == "ConditionalCheckFailed" for reason in error.cancellation_reasons
            ):
                raise  # anything but "it exists already"
        stored = self.get(record.id, consistent=True)
        assert stored is not None
        return stored

    def save(self, record: ReportRecord) -> None:
        self._write(record, new=False)

    def list(self, kind: ReportKind | None, page: PageRequest) -> Page[ReportRecord]:
        listing = f"REPORTS#{kind.value}" if kind else "REPORTS"
        return paging.query_page(
            listing,
            page,
            lambda start: self._item.query(
                listing, scan_index_forward=False, limit=page.limit, last_evaluated_key=start
            ),
            lambda found: ReportRecord.model_validate(found.doc),
        )

    def policy(self) -> ReportPolicy:
        try:
            doc = self._item.get("CONFIG#reports", "CONFIG").doc
        except self._item.DoesNotExist:
            return DEFAULT_POLICY
        return ReportPolicy.model_validate(doc)

    def save_policy(self, policy: ReportPolicy) -> None:
        item = self._item("CONFIG#reports", "CONFIG", doc=policy.model_dump(mode="json"))
        if self._cache is None:
            item.save()
        else:
            self._cache.save(item)  # bumps the configuration's stamp (hotline.store.config_cache)

    def _write(self, record: ReportRecord, *, new: bool) -> None:
        doc = record.model_dump(mode="json")
        with TransactWrite(connection=self._connection) as tx:
            condition = self._item.pk.does_not_exist() if new else None
            tx.save(self._item(f"REPORT#{record.id}", "REPORT", doc=doc), condition=condition)
            for listing in ("REPORTS", f"REPORTS#{record.period.kind.value}"):
                tx.save(self._item(listing, _listing_sk(record), doc=doc))

"""Small keyed documents: the catalogue and the partners (with the pointer from API key to partner)."""

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from hotline.domain.catalog import DEFAULT_CATALOG, Catalog
from hotline.domain.errors import Conflict
from hotline.domain.paging import Page, PageRequest
from hotline.domain.partners import Partner
from hotline.domain.units import Unit
from hotline.store import paging
from hotline.store.models import TableModels


def _get_doc(model: type[Model], pk: str, sk: str) -> dict | None:  # type: ignore[type-arg]
    try:
        return dict(model.get(pk, sk).doc)  # type: ignore[attr-defined]
    except model.DoesNotExist:
        return None


class DynamoCatalogRepository:
    """The stored catalogue, or the default one until an admin stores another."""

    def __init__(self, models: TableModels) -> None:
        self._item = models.item

    def get(self) -> Catalog:
        doc = _get_doc(self._item, "CONFIG#catalog", "CONFIG")
        return Catalog.model_validate(doc) if doc else DEFAULT_CATALOG

    def save(self, catalog: Catalog) -> None:
        self._item("CONFIG#catalog", "CONFIG", doc=catalog.model_dump(mode="json")).save()


class DynamoPartnerRepository:
    """PARTNER#<id> holds the partner, PARTNERS/PARTNER#<id> a copy for listing (no Scan),
    APIKEY#<key id> points a key at its partner and KEYHASH#<sha-256 of the value> does the same for
    keys sent as a form field (Open311); all are written in one transaction, which also drops the
    replaced key's hash pointer."""

    LISTING = "partners"

    def __init__(self, models: TableModels) -> None:
        self._item = models.item
        self._connection = Connection(region=models.item.Meta.region)

    def get(self, partner_id: str) -> Partner | None:
        doc = _get_doc(self._item, f"PARTNER#{partner_id}", "PARTNER")
        return Partner.model_validate(doc) if doc else None

    def by_api_key_id(self, api_key_id: str) -> Partner | None:
        pointer = _get_doc(self._item, f"APIKEY#{api_key_id}", "APIKEY")
        if pointer is None:
            return None
        partner = self.get(pointer["partner_id"])
        return partner if partner and partner.active and partner.api_key_id == api_key_id else None

    def by_api_key_hash(self, key_hash: str) -> Partner | None:
        pointer = _get_doc(self._item, f"KEYHASH#{key_hash}", "KEYHASH")
        if pointer is None:
            return None
        partner = self.get(pointer["partner_id"])
        return partner if partner and partner.active and partner.api_key_hash == key_hash else None

    def save(self, partner: Partner) -> None:
        self._write(partner, new=False)

    def add(self, partner: Partner) -> None:
        try:
            self._write(partner, new=True)
        except TransactWriteError as error:
            codes = {reason.code for reason in error.cancellation_reasons if reason is not None}
            if "ConditionalCheckFailed" in codes or self.get(partner.id) is not None:
                raise Conflict(f"a partner with id {partner.id!r} already exists", code="partner_exists") from error
            raise

    def list(self, page: PageRequest) -> Page[Partner]:
        return paging.query_page(
            self.LISTING,
            page,
            lambda start: self._item.query(
                "PARTNERS", self._item.sk.startswith("PARTNER#"), limit=page.limit, last_evaluated_key=start
            ),
            lambda item: Partner.model_validate(item.doc),
        )

    def _write(self, partner: Partner, *, new: bool) -> None:
        doc = partner.model_dump(mode="json")
        previous = None if new else self.get(partner.id)
        stale_hash = previous.api_key_hash if previous and previous.api_key_hash != partner.api_key_hash else None
        with TransactWrite(connection=self._connection) as tx:
            condition = self._item.pk.does_not_exist() if new else None
            tx.save(self._item(f"PARTNER#{partner.id}", "PARTNER", doc=doc), condition=condition)
            tx.save(self._item("PARTNERS", f"PARTNER#{partner.id}", doc=doc))
            if partner.api_key_id:
                tx.save(self._item(f"APIKEY#{partner.api_key_id}", "APIKEY", doc={"partner_id": partner.id}))
            if partner.api_key_hash:
                tx.save(self._item(f"KEYHASH#{partner.api_key_hash}", "KEYHASH", doc={"partner_id": partner.id}))
            if stale_hash:
                tx.delete(self._item(f"KEYHASH#{stale_hash}", "KEYHASH"))


class DynamoUnitRepository:
    def __init__(self, models: TableModels) -> None:
        self._item = models.item

    def get(self, unit_id: str) -> Unit | None:
        doc = _get_doc(self._item, f"UNIT#{unit_id}", "UNIT")
        return Unit.model_validate(doc) if doc else None

    def save(self, unit: Unit) -> None:
        self._item(f"UNIT#{unit.id}", "UNIT", doc=unit.model_dump(mode="json")).save()

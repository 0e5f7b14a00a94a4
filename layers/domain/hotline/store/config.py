"""Small keyed documents: the catalogue and the partners (with the pointer from API key to partner)."""

from pynamodb.models import Model

from hotline.domain.catalog import DEFAULT_CATALOG, Catalog
from hotline.domain.partners import Partner
from hotline.domain.units import Unit
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
    def __init__(self, models: TableModels) -> None:
        self._item = models.item

    def by_api_key_id(self, api_key_id: str) -> Partner | None:
        pointer = _get_doc(self._item, f"APIKEY#{api_key_id}", "APIKEY")
        if pointer is None:
            return None
        doc = _get_doc(self._item, f"PARTNER#{pointer['partner_id']}", "PARTNER")
        partner = Partner.model_validate(doc) if doc else None
        return partner if partner and partner.active and partner.api_key_id == api_key_id else None

    def save(self, partner: Partner) -> None:
        self._item(f"PARTNER#{partner.id}", "PARTNER", doc=partner.model_dump(mode="json")).save()
        if partner.api_key_id:
            self._item(f"APIKEY#{partner.api_key_id}", "APIKEY", doc={"partner_id": partner.id}).save()


class DynamoUnitRepository:
    def __init__(self, models: TableModels) -> None:
        self._item = models.item

    def get(self, unit_id: str) -> Unit | None:
        doc = _get_doc(self._item, f"UNIT#{unit_id}", "UNIT")
        return Unit.model_validate(doc) if doc else None

    def save(self, unit: Unit) -> None:
        self._item(f"UNIT#{unit.id}", "UNIT", doc=unit.model_dump(mode="json")).save()

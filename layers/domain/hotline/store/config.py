"""Small keyed documents: the catalogue, the units and the partners (with the pointer from API key to partner).

The catalogue and the units are configuration, kept per container (hotline.store.config_cache); partners are read
afresh every time, so a revoked or rotated key is refused at once."""

import time
from contextlib import suppress
from typing import Any, TypeVar
from uuid import uuid4

from pydantic import BaseModel
from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from hotline.domain.base.errors import Conflict
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.config.units import Unit
from hotline.domain.partners.partner import Partner
from hotline.domain.tickets.catalog import DEFAULT_CATALOG, Catalog
from hotline.store import paging
from hotline.store.config_cache import ConfigCache
from hotline.store.models import TableModels


def _get_doc(model: type[Model], pk: str, sk: str, *, consistent: bool = False) -> dict | None:  # type: ignore[type-arg]
    try:
        return dict(model.get(pk, sk, consistent_read=consistent).doc)  # type: ignore[attr-defined]
    except model.DoesNotExist:
        return None


Doc = TypeVar("Doc", bound=BaseModel)


def _copies_page(item: Any, kind: str, listing: str, page: PageRequest, model: type[Doc]) -> Page[Doc]:
    """One page, by id, of the copies kept for listing documents of a kind: `<kind>S` / `<kind>#<id>`."""
    return paging.query_page(
        listing,
        page,
        lambda start: item.query(
            f"{kind}S", item.sk.startswith(f"{kind}#"), limit=page.limit, last_evaluated_key=start
        ),
        lambda found: model.model_validate(found.doc),
    )


class DynamoCatalogRepository:
    """The stored catalogue, or the default one until an admin stores another."""

    def __init__(self, models: TableModels, cache: ConfigCache) -> None:
        self._item = models.item
        self._cache = cache

    def get(self) -> Catalog:
        return self._cache.get("catalog", self._load)

    def _load(self) -> Catalog:
        doc = _get_doc(self._item, "CONFIG#catalog", "CONFIG", consistent=True)
        return Catalog.model_validate(doc) if doc else DEFAULT_CATALOG

    def save(self, catalog: Catalog) -> None:
        self._cache.save(self._item("CONFIG#catalog", "CONFIG", doc=catalog.model_dump(mode="json")))


LEASE_SECONDS = 15
"""How long a key change may hold a partner: longer than the API function's 10-second timeout, so a live
holder never loses it, and short enough that a crashed one blocks the partner only briefly."""
LEASE_WAIT_SECONDS = 5.0
FIRST_POLL, LAST_POLL = 0.02, 0.25
LEASE = "KEYLEASE"


def _rotation_in_progress() -> Conflict:
    return Conflict("another key change for this partner is in progress; try again", code="rotation_in_progress")


def _condition_failed(error: PutError | TransactWriteError) -> bool:
    if isinstance(error, TransactWriteError):
        return any(
            reason is not None and reason.code == "ConditionalCheckFailed" for reason in error.cancellation_reasons
        )
    return error.cause_response_code == "ConditionalCheckFailedException"


class DynamoPartnerRepository:
    """PARTNER#<id> holds the partner, PARTNERS/PARTNER#<id> a copy for listing (no Scan),
    APIKEY#<key id> points a key at its partner and KEYHASH#<sha-256 of the value> does the same for
    keys sent as a form field (Open311); all are written in one transaction, which also drops the
    replaced key's hash pointer. PARTNER#<id>/KEYLEASE names the key change that holds the partner."""

    LISTING = "partners"

    def __init__(self, models: TableModels) -> None:
        self._item = models.item
        self._guard = models.guard
        self._connection = Connection(region=models.item.Meta.region)

    def get(self, partner_id: str, *, consistent: bool = False) -> Partner | None:
        try:
            doc = self._item.get(f"PARTNER#{partner_id}", "PARTNER", consistent_read=consistent).doc
        except self._item.DoesNotExist:
            return None
        return Partner.model_validate(doc)

    # -- one key change at a time --------------------------------------------------------------------
    # The lease runs on wall time (not the domain's, which the local cloud speeds up): it bounds real work.

    def lease(self, partner_id: str) -> str:
        holder = uuid4().hex
        deadline = time.monotonic() + LEASE_WAIT_SECONDS
        pause = FIRST_POLL
        while True:
            now = time.time()
            try:
                self._guard(f"PARTNER#{partner_id}", LEASE, holder=holder, expires_at=int(now) + LEASE_SECONDS).save(
                    condition=self._guard.pk.does_not_exist() | (self._guard.expires_at < int(now))
                )
                return holder
            except PutError as error:
                if not _condition_failed(error):
                    raise
            if time.monotonic() + pause > deadline:
                raise _rotation_in_progress()
            time.sleep(pause)
            pause = min(pause * 2, LAST_POLL)

    def release(self, partner_id: str, lease: str) -> None:
        # Not ours any more (taken over after it lapsed), or the table failed: either way it lapses by itself.
        with suppress(DeleteError):
            self._guard(f"PARTNER#{partner_id}", LEASE).delete(condition=self._guard.holder == lease)

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

    def save(self, partner: Partner, *, lease: str | None = None) -> None:
        try:
            self._write(partner, new=False, lease=lease)
        except TransactWriteError as error:
            if lease is not None and _condition_failed(error):
                raise _rotation_in_progress() from error
            raise

    def add(self, partner: Partner) -> None:
        try:
            self._write(partner, new=True)
        except TransactWriteError as error:
            if _condition_failed(error) or self.get(partner.id) is not None:
                raise Conflict(f"a partner with id {partner.id!r} already exists", code="partner_exists") from error
            raise

    def list(self, page: PageRequest) -> Page[Partner]:
        return _copies_page(self._item, "PARTNER", self.LISTING, page, Partner)

    def _write(self, partner: Partner, *, new: bool, lease: str | None = None) -> None:
        doc = partner.model_dump(mode="json")
        previous = None if new else self.get(partner.id, consistent=True)
        stale_hash = previous.api_key_hash if previous and previous.api_key_hash != partner.api_key_hash else None
        with TransactWrite(connection=self._connection) as tx:
            if lease is not None:
                tx.condition_check(
                    self._guard,
                    f"PARTNER#{partner.id}",
                    LEASE,
                    condition=self._guard.holder == lease,
                )
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
    """UNIT#<id> holds a unit, UNITS/UNIT#<id> a copy for listing (no Scan), both written in one transaction."""

    LISTING = "units"

    def __init__(self, models: TableModels, cache: ConfigCache) -> None:
        self._item = models.item
        self._cache = cache

    def get(self, unit_id: str) -> Unit | None:
        return self._cache.get(f"unit:{unit_id}", lambda: self._load(unit_id))

    def _load(self, unit_id: str) -> Unit | None:
        doc = _get_doc(self._item, f"UNIT#{unit_id}", "UNIT", consistent=True)
        return Unit.model_validate(doc) if doc else None

    def save(self, unit: Unit) -> None:
        doc = unit.model_dump(mode="json")
        self._cache.save(
            self._item(f"UNIT#{unit.id}", "UNIT", doc=doc), self._item("UNITS", f"UNIT#{unit.id}", doc=doc)
        )

    def list(self, page: PageRequest) -> Page[Unit]:
        return _copies_page(self._item, "UNIT", self.LISTING, page, Unit)

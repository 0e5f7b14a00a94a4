"""Major incidents in the table. Items, by key:

  INCIDENTS / INCIDENT#<id>                  an incident (ids sort by its first ticket's time: one Query lists them,
                                             newest first), with the events and notifications of its latest write
                                             (`outbox`, `notifications`), which the table stream hands on
  INCIDENTAREA#<category> / <area key>       the open incident holding that category in that area (region#<code>,
                                             near#<radius>#<row>#<col>): one Query finds a category's open incidents
  TICKET#<number> / INCIDENT                 the incident that claimed the ticket (kept when it ends)
  CONFIG#incidents / CONFIG                  the detection rules (the defaults until one is stored)

Every write is one transaction: each incident conditional on the version read (or on not existing yet), each claim
and hold on who held it before, and the cells a new circle needs free checked in the same breath.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from hotline.domain.base.errors import Conflict
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.incidents.area import Area
from hotline.domain.incidents.incident import Incident, IncidentEvent, IncidentStatus, Scope
from hotline.domain.incidents.ports import Hold, IncidentWrite, Taken
from hotline.domain.incidents.rules import DEFAULT_RULES, IncidentRules
from hotline.domain.tickets.notification import Notification
from hotline.store import paging
from hotline.store.config_cache import ConfigCache
from hotline.store.models import Json, TableModels

INCIDENTS, RULES = "INCIDENTS", "CONFIG#incidents"


def _model(models: TableModels) -> Any:
    class IncidentItem(Model):
        Meta = models.item.Meta
        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        doc = Json(null=True)  # an incident, an area held, the rules
        status = UnicodeAttribute(null=True)  # an incident's, to list by
        version = NumberAttribute(null=True)  # an incident's
        incident = UnicodeAttribute(null=True)  # who holds an area, or claimed a ticket
        outbox = Json(null=True)
        notifications = Json(null=True)

    return IncidentItem


def _key(incident_id: str) -> str:
    return f"INCIDENT#{incident_id}"


def _area_pk(category: str) -> str:
    return f"INCIDENTAREA#{category}"


def _claim_pk(number: str) -> str:
    return f"TICKET#{number}"


CLAIM = "INCIDENT"


class DynamoIncidentStore:
    def __init__(self, models: TableModels, cache: ConfigCache | None = None) -> None:
        self._cache = cache  # configuration writes bump the stamp (hotline.store.config_cache)
        self._item = _model(models)
        self._connection = Connection(region=models.item.Meta.region)

    def rules(self) -> IncidentRules:
        try:
            return IncidentRules.model_validate(self._item.get(RULES, "CONFIG").doc)
        except self._item.DoesNotExist:
            return DEFAULT_RULES

    def save_rules(self, rules: IncidentRules) -> None:
        item = self._item(RULES, "CONFIG", doc=rules.model_dump(mode="json"))
        if self._cache is None:
            item.save()
        else:
            self._cache.save(item)  # bumps the configuration's stamp (hotline.store.config_cache)

    def get(self, incident_id: str, *, consistent: bool = False) -> Incident | None:
        try:
            item = self._item.get(INCIDENTS, _key(incident_id), consistent_read=consistent)
        except self._item.DoesNotExist:
            return None
        return _incident(item.doc, item.version)

    def listing(self, status: IncidentStatus | None, page: PageRequest) -> Page[Incident]:
        item = self._item
        return paging.query_page(
            "incidents",
            page,
            lambda start: item.query(
                INCIDENTS,
                item.sk.startswith("INCIDENT#"),
                filter_condition=(item.status == status.value) if status else None,
                scan_index_forward=False,
                limit=page.limit,
                last_evaluated_key=start,
            ),
            lambda found: _incident(found.doc, found.version),
        )

    def claims(self, numbers: Sequence[str]) -> dict[str, str]:
        keys = [(_claim_pk(number), CLAIM) for number in dict.fromkeys(numbers)]
        found = self._item.batch_get(keys, consistent_read=True) if keys else []
        return {str(item.pk).removeprefix("TICKET#"): str(item.incident) for item in found}

    def holds(self, category: str) -> list[Hold]:
        items = self._item.query(_area_pk(category), consistent_read=True)
        return [Hold(Scope(category=category, area=Area.model_validate(i.doc)), str(i.incident)) for i in items]

    def write(self, writes: Sequence[IncidentWrite]) -> list[Incident]:
        versioned: list[bool] = []
        """Per operation: whether it is a stored incident's version check (else a claim, a hold or a new id)."""
        try:
            with TransactWrite(connection=self._connection) as tx:
                for write in writes:
                    versioned += self._put(tx, write)
        except TransactWriteError as error:
            failed = [
                at
                for at, reason in enumerate(error.cancellation_reasons)
                if reason is not None and reason.code == "ConditionalCheckFailed"
            ]
            if failed and not any(versioned[at] for at in failed):
                raise Taken(f"{len(failed)} claims were taken first") from error
            if failed or error.cause_response_code == "TransactionConflictException":
                raise Conflict("the incident changed meanwhile; read it again", "version_mismatch") from error
            raise
        return [write.incident.model_copy(update={"version": write.incident.version + 1}) for write in writes]

    def _put(self, tx: TransactWrite, write: IncidentWrite) -> list[bool]:
        item, incident = self._item, write.incident
        stored = item(
            INCIDENTS,
            _key(incident.id),
            doc=incident.model_dump(mode="json", exclude={"version"}),
            status=incident.status.value,
            version=incident.version + 1,
            outbox=[event.model_dump(mode="json") for event in write.events],
            notifications=[notice.model_dump(mode="json") for notice in write.notifications],
        )
        tx.save(stored, condition=(item.version == incident.version) if incident.version else item.pk.does_not_exist())
        versioned = [incident.version > 0]
        for number, before in write.claim.items():
            claim = item(_claim_pk(number), CLAIM, incident=incident.id)
            tx.save(claim, condition=self._held_by(before))
        for scope, before in write.hold.items():
            hold = item(_area_pk(scope.category), scope.area.key, incident=incident.id, doc=scope.area.model_dump())
            tx.save(hold, condition=self._held_by(before, or_free=True))
        for category, key in write.free:
            tx.condition_check(item, _area_pk(category), key, condition=item.pk.does_not_exist())
        for scope in write.release:
            tx.delete(item(_area_pk(scope.category), scope.area.key), condition=item.incident == incident.id)
        return versioned + [False] * (len(write.claim) + len(write.hold) + len(write.free) + len(write.release))

    def _held_by(self, before: str | None, *, or_free: bool = False) -> Condition:
        free: Condition = self._item.pk.does_not_exist()
        if before is None:
            return free
        held: Condition = self._item.incident == before
        return (free | held) if or_free else held


def _incident(doc: Mapping[str, Any], version: Any) -> Incident:
    return Incident.model_validate({**doc, "version": int(version)})


def incident_written(image: Mapping[str, Any] | None) -> IncidentWrite | None:
    """From a stream record's new image (already deserialized): an incident's write, or None for any other item."""
    if not image or image.get("pk") != INCIDENTS or not str(image.get("sk", "")).startswith("INCIDENT#"):
        return None
    incident = _incident(json.loads(image["doc"]), image["version"])
    events = [IncidentEvent.model_validate(event) for event in json.loads(image.get("outbox") or "[]")]
    notices = [Notification.model_validate(notice) for notice in json.loads(image.get("notifications") or "[]")]
    return IncidentWrite(incident, events, notices)

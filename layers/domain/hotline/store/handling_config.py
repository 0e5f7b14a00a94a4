"""Handling configuration as stored documents: SLA policies, the escalation ladder, routing rules, text templates."""

from typing import TypeVar

from pydantic import BaseModel

from hotline.domain.config.causes import DEFAULT_CAUSES, CauseCatalog
from hotline.domain.config.ladder import DEFAULT_LADDER, Ladder
from hotline.domain.config.messages import DEFAULT_TEMPLATES, MessageTemplates
from hotline.domain.config.policies import DEFAULT_POLICIES, PolicyBook
from hotline.domain.config.routing import DEFAULT_ROUTING, RoutingTable
from hotline.store.config_cache import ConfigCache
from hotline.store.models import TableModels

Document = TypeVar("Document", bound=BaseModel)

DEFAULTS: dict[str, BaseModel] = {
    "policies": DEFAULT_POLICIES,
    "ladder": DEFAULT_LADDER,
    "routing": DEFAULT_ROUTING,
    "messages": DEFAULT_TEMPLATES,
    "causes": DEFAULT_CAUSES,
}


class DynamoHandlingConfigRepository:
    """Each document under CONFIG#<name>; the seeded default until an admin stores one. Kept per container
    (hotline.store.config_cache)."""

    def __init__(self, models: TableModels, cache: ConfigCache) -> None:
        self._item = models.item
        self._cache = cache

    def policies(self) -> PolicyBook:
        return self._get("policies", PolicyBook)

    def ladder(self) -> Ladder:
        return self._get("ladder", Ladder)

    def routing(self) -> RoutingTable:
        return self._get("routing", RoutingTable)

    def messages(self) -> MessageTemplates:
        return self._get("messages", MessageTemplates)

    def causes(self) -> CauseCatalog:
        return self._get("causes", CauseCatalog)

    def save(self, name: str, document: BaseModel) -> None:
        self._cache.save(self._item(f"CONFIG#{name}", "CONFIG", doc=document.model_dump(mode="json")))

    def _get(self, name: str, kind: type[Document]) -> Document:
        return self._cache.get(name, lambda: self._load(name, kind))

    def _load(self, name: str, kind: type[Document]) -> Document:
        try:
            doc = self._item.get(f"CONFIG#{name}", "CONFIG", consistent_read=True).doc
        except self._item.DoesNotExist:
            default = DEFAULTS[name]
            assert isinstance(default, kind)
            return default
        return kind.model_validate(doc)

"""What counts as the same matter (similar tickets, repeat complaints) as a stored document, CONFIG#duplicates."""

from hotline.domain.duplicates.rules import DEFAULT_DUPLICATE_RULES, DuplicateRules
from hotline.store.config_cache import ConfigCache
from hotline.store.models import TableModels


class DynamoDuplicateRules:
    """The stored rules; the defaults until an admin stores some."""

    def __init__(self, models: TableModels, cache: ConfigCache | None = None) -> None:
        self._item = models.item
        self._cache = cache  # writes bump the configuration's stamp (hotline.store.config_cache)

    def get(self) -> DuplicateRules:
        try:
            doc = self._item.get("CONFIG#duplicates", "CONFIG").doc
        except self._item.DoesNotExist:
            return DEFAULT_DUPLICATE_RULES
        return DuplicateRules.model_validate(doc)

    def save(self, rules: DuplicateRules) -> None:
        item = self._item("CONFIG#duplicates", "CONFIG", doc=rules.model_dump(mode="json"))
        if self._cache is None:
            item.save()
        else:
            self._cache.save(item)

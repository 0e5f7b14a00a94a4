"""What counts as the same matter (similar tickets, repeat complaints) as a stored document, CONFIG#duplicates."""

from hotline.domain.duplicates.rules import DEFAULT_DUPLICATE_RULES, DuplicateRules
from hotline.store.models import TableModels


class DynamoDuplicateRules:
    """The stored rules; the defaults until an admin stores some."""

    def __init__(self, models: TableModels) -> None:
        self._item = models.item

    def get(self) -> DuplicateRules:
        try:
            doc = self._item.get("CONFIG#duplicates", "CONFIG").doc
        except self._item.DoesNotExist:
            return DEFAULT_DUPLICATE_RULES
        return DuplicateRules.model_validate(doc)

    def save(self, rules: DuplicateRules) -> None:
        self._item("CONFIG#duplicates", "CONFIG", doc=rules.model_dump(mode="json")).save()

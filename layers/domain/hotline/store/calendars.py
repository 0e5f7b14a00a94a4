"""Working calendars as data: `CALENDAR#<id>` / `CALENDAR` items holding the calendar's JSON, kept per container
(hotline.store.config_cache)."""

from hotline.domain.base.calendar import WorkingCalendar, china_calendar
from hotline.store.config_cache import ConfigCache
from hotline.store.models import TableModels

DEFAULT_CALENDARS = {"cn": china_calendar}
"""Built-in calendars, served until an admin stores one under the same id."""


class DynamoCalendarRepository:
    def __init__(self, models: TableModels, cache: ConfigCache) -> None:
        self._item = models.item
        self._cache = cache

    def get(self, calendar_id: str) -> WorkingCalendar | None:
        return self._cache.get(f"calendar:{calendar_id}", lambda: self._load(calendar_id))

    def _load(self, calendar_id: str) -> WorkingCalendar | None:
        try:
            doc = self._item.get(f"CALENDAR#{calendar_id}", "CALENDAR", consistent_read=True).doc
        except self._item.DoesNotExist:
            default = DEFAULT_CALENDARS.get(calendar_id)
            return default() if default else None
        return WorkingCalendar.model_validate(doc)

    def save(self, calendar: WorkingCalendar) -> None:
        self._cache.save(self._item(f"CALENDAR#{calendar.id}", "CALENDAR", doc=calendar.model_dump(mode="json")))

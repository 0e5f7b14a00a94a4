"""Working calendars as data: `CALENDAR#<id>` / `CALENDAR` items holding the calendar's JSON, kept per container
(hotline.store.config_cache), and `CALENDARS` / `CALENDAR#<id>` a copy for listing (no Scan), both written in one
transaction."""

from hotline.domain.base.calendar import WorkingCalendar, china_calendar
from hotline.domain.base.errors import InvalidPageToken
from hotline.domain.base.paging import Page, PageRequest
from hotline.store import paging
from hotline.store.config_cache import ConfigCache
from hotline.store.models import TableModels

DEFAULT_CALENDARS = {"cn": china_calendar}
"""Built-in calendars, served until an admin stores one under the same id."""


class DynamoCalendarRepository:
    LISTING = "calendars"

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
        doc = calendar.model_dump(mode="json")
        self._cache.save(
            self._item(f"CALENDAR#{calendar.id}", "CALENDAR", doc=doc),
            self._item("CALENDARS", f"CALENDAR#{calendar.id}", doc=doc),
        )

    def list(self, page: PageRequest) -> Page[WorkingCalendar]:
        """The stored calendars by id, with each built-in one no admin stored yet in its place. A `next` token holds
        the last id listed, so a built-in calendar between two stored ones is listed once."""
        after = self._after(page.token)
        since = self._item.sk > f"CALENDAR#{after}" if after else self._item.sk.startswith("CALENDAR#")
        stored = [
            WorkingCalendar.model_validate(item.doc) for item in self._item.query("CALENDARS", since, limit=page.limit)
        ]
        # A full page may have more stored calendars after it: only built-in ones up to its last can be placed.
        until = stored[-1].id if len(stored) == page.limit else None
        shown = {calendar.id for calendar in stored}
        built_in = [
            self.get(calendar_id)  # the stored one when it was stored before the listing had copies
            for calendar_id in DEFAULT_CALENDARS
            if calendar_id > after and calendar_id not in shown and (until is None or calendar_id < until)
        ]
        merged = sorted([*stored, *filter(None, built_in)], key=lambda calendar: calendar.id)
        items = merged[: page.limit]
        more = until is not None or len(merged) > page.limit
        return Page[WorkingCalendar](
            items=items, next=paging.encode(self.LISTING, {"id": {"S": items[-1].id}}) if more else None
        )

    def _after(self, token: str | None) -> str:
        """The last id the previous page listed ("" for the first page)."""
        key = paging.decode(self.LISTING, token)
        if key is None:
            return ""
        if "id" not in key:
            raise InvalidPageToken("the 'next' token is not valid for this listing")
        return str(key["id"]["S"])

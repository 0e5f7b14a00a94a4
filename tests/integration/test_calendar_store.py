"""Calendars as data: the built-in `cn` until an admin stores one, then the stored one."""

from datetime import date

from hotline.domain.base.calendar import WorkingCalendar, china_calendar
from hotline.store.calendars import DynamoCalendarRepository
from hotline.store.config_cache import ConfigCache
from hotline.store.models import bind


def test_calendars_round_trip(table_name: str) -> None:
    models = bind(table_name, "us-east-1")
    repository = DynamoCalendarRepository(models, ConfigCache(models))
    assert repository.get("cn") == china_calendar()
    assert repository.get("hk") is None

    edited = china_calendar().with_days(holidays_add=[date(2027, 1, 1)], workdays_add=[date(2027, 2, 6)])
    repository.save(edited)
    stored = repository.get("cn")
    assert stored == edited and not stored.is_working_day(date(2027, 1, 1))
    assert china_calendar().is_working_day(date(2027, 1, 1))  # the built-in one is untouched

    hk = WorkingCalendar(id="hk", name="Hong Kong", time_zone="Asia/Hong_Kong", holidays={date(2026, 12, 25)})
    repository.save(hk)
    assert repository.get("hk") == hk

    item = bind(table_name, "us-east-1").item.get("CALENDAR#hk", "CALENDAR")
    assert item.doc["holidays"] == ["2026-12-25"] and item.doc["time_zone"] == "Asia/Hong_Kong"

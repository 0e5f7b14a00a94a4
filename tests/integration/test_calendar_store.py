"""Calendars as data: the built-in `cn` until an admin stores one, then the stored one."""

from datetime import date

import pytest
from hotline.domain.base.calendar import WorkingCalendar, china_calendar
from hotline.domain.base.errors import InvalidPageToken
from hotline.domain.base.paging import PageRequest
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


def listed(repository: DynamoCalendarRepository, limit: int) -> list[list[str]]:
    pages, token = [], None
    while True:
        page = repository.list(PageRequest(limit=limit, token=token))
        assert len(page.items) <= limit
        pages.append([calendar.id for calendar in page.items])
        if not (token := page.next):
            return pages


def test_the_listing_places_the_built_in_calendar_among_the_stored_ones_once(table_name: str) -> None:
    models = bind(table_name, "us-east-1")
    repository = DynamoCalendarRepository(models, ConfigCache(models))
    assert listed(repository, 50) == [["cn"]]  # built in only: nothing stored yet

    for calendar_id in ("au", "hk", "sg"):
        repository.save(WorkingCalendar(id=calendar_id, name=calendar_id, time_zone="UTC"))
    assert listed(repository, 50) == [["au", "cn", "hk", "sg"]]
    assert listed(repository, 1) == [["au"], ["cn"], ["hk"], ["sg"], []]
    assert listed(repository, 2) == [["au", "cn"], ["hk", "sg"], []]  # a full page may be the last
    assert listed(repository, 3) == [["au", "cn", "hk"], ["sg"]]

    repository.save(china_calendar().with_days(holidays_add=[date(2027, 1, 1)]))
    assert listed(repository, 2) == [["au", "cn"], ["hk", "sg"], []]
    assert repository.list(PageRequest()).items[1].years[-1] == 2027  # the stored one, not the built-in

    with pytest.raises(InvalidPageToken):
        repository.list(PageRequest(token="bogus"))

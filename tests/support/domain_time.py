"""Domain time set by a test, through the local cloud's own time settings (hotline.settings.LocalCloud)."""

from datetime import UTC, datetime

import pytest

from tests.support.services import reset_caches


def time_origin_for(moment: datetime, scale: float) -> datetime:
    """The time origin that makes domain time `moment` now, running `scale` times as fast from here: where `scale`
    times the wall time since it, added to it, lands on `moment` (hotline/timescale.py). At scale 1 domain time is the
    wall clock's and no origin moves it."""
    if scale == 1:
        raise ValueError("domain time of a test's own needs a time scale other than 1")
    now = datetime.now(UTC)
    return now + (now - moment) / (scale - 1)


def domain_time_from(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Domain time is `moment` now and runs twice as fast from here. Every function's services are built again, as
    cold starts, with that clock."""
    monkeypatch.setenv("HOTLINE_LOCAL_TIME_SCALE", "2")
    monkeypatch.setenv("HOTLINE_LOCAL_TIME_ORIGIN", time_origin_for(moment, 2).isoformat())
    reset_caches()

"""Domain time set by a test, through the local cloud's own time settings (hotline.settings.LocalCloud)."""

from datetime import UTC, datetime

import pytest

from tests.support.services import reset_caches


def domain_time_from(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Domain time is `moment` now and runs twice as fast from here: the time origin lies where twice the wall time
    less it lands on `moment`. Every function's services are built again, as cold starts, with that clock."""
    now = datetime.now(UTC)
    monkeypatch.setenv("HOTLINE_LOCAL_TIME_SCALE", "2")
    monkeypatch.setenv("HOTLINE_LOCAL_TIME_ORIGIN", (now + (now - moment)).isoformat())
    reset_caches()

"""Stopping the local cloud (finding 11 of issue 9: SIGTERM took 35–44 s)."""

from pathlib import Path

import pytest
import requests

from tests.bench.local_cloud import UNIT, Client
from tests.e2e.conftest import launched
from tests.support.forms import BUS, NOISE

TICKETS = 60
"""Each leaves a ticket clock sleeping in a Wait state; some were dispatched and accepted (stopped, restarted)."""


def test_sigterm_stops_the_local_cloud_within_five_seconds(tmp_path: Path) -> None:
    with launched(tmp_path, time_scale=1) as cloud:
        client = Client(cloud.info)
        numbers = [client.submit(NOISE if i % 2 else BUS) for i in range(TICKETS)]
        for number in numbers[::4]:
            client.act(number, "dispatch", "dispatcher", {"unit_id": UNIT})
            client.act(number, "accept", "unit", {})
        assert client.statuses == {"submit 201": TICKETS, "dispatch 200": TICKETS // 4, "accept 200": TICKETS // 4}

        took = cloud.stop(timeout=60)

    assert cloud.process.returncode == 0
    assert took < 5, f"stopped after {took:.1f} s"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{cloud.info['api_url']}/v1/catalog", timeout=5)

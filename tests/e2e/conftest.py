"""E2E tier: the local cloud started as `make run` starts it, used over HTTP."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from infra.local.cloud import free_port

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 180  # the first start on a fresh machine also bundles the deps layer
TIME_SCALE = 3600  # an hour of deadlines per second, so the clock's reminders and escalations show up


class Cloud:
    def __init__(self, info: dict[str, Any], startup_seconds: float) -> None:
        self.info = info
        self.url = info["api_url"]
        self.startup_seconds = startup_seconds

    def staff(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.info['staff'][role]['token']}"}

    @property
    def partner(self) -> dict[str, str]:
        return {"x-api-key": self.info["partner_api_key"]}


@pytest.fixture(scope="session")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    state = tmp_path_factory.mktemp("hotline")
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "HOTLINE_STATE_DIR": str(state),
        "PYTHONPATH": "layers/domain:.",
        "TIME_SCALE": str(TIME_SCALE),
    }
    env.pop("AWS_ENDPOINT_URL", None)
    log = (state / "run.log").open("w")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    info_file = state / "local.json"
    while not info_file.exists():
        if process.poll() is not None or time.perf_counter() - started > STARTUP_SECONDS:
            process.kill()
            pytest.fail(f"local cloud did not start:\n{(state / 'run.log').read_text()[-4000:]}")
        time.sleep(0.2)
    info = json.loads(info_file.read_text())
    yield Cloud(info, time.perf_counter() - started)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session

"""E2E tier: the local cloud started as `make run` starts it, used over HTTP."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


class Launched:
    """A local cloud running as `make run` runs it, in a child process."""

    def __init__(self, process: "subprocess.Popen[bytes]", info: dict[str, Any], log: Path, startup: float) -> None:
        self.process = process
        self.info = info
        self.log = log
        self.startup_seconds = startup

    def stop(self, timeout: float = 15) -> float:
        return _terminate(self.process, timeout)


def _terminate(process: "subprocess.Popen[bytes]", timeout: float = 15) -> float:
    """SIGTERM, as a service manager would; returns how long the process took to exit (killed after `timeout`)."""
    sent = time.perf_counter()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return time.perf_counter() - sent


@contextmanager
def launched(state: Path, time_scale: float = TIME_SCALE) -> Iterator[Launched]:
    """Start `python -m infra.local` with its state in `state`; it is stopped (SIGTERM) on leaving."""
    env = {
        **os.environ,
        "PORT": str(free_port()),
        "HOTLINE_STATE_DIR": str(state),
        "PYTHONPATH": "layers/domain:.",
        "TIME_SCALE": str(time_scale),
    }
    env.pop("AWS_ENDPOINT_URL", None)
    log_path = state / "run.log"
    with log_path.open("w") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        info_file = state / "local.json"
        try:
            while not info_file.exists():
                if process.poll() is not None or time.perf_counter() - started > STARTUP_SECONDS:
                    raise RuntimeError(f"local cloud did not start:\n{log_path.read_text()[-4000:]}")
                time.sleep(0.2)
            cloud = Launched(process, json.loads(info_file.read_text()), log_path, time.perf_counter() - started)
            yield cloud
        finally:
            if process.poll() is None:
                _terminate(process)


@pytest.fixture(scope="session")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    try:
        with launched(tmp_path_factory.mktemp("hotline")) as running:
            yield Cloud(running.info, running.startup_seconds)
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session

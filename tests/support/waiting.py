"""Waiting for what a running system does in its own time (a local cloud, background pollers)."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(what: str, check: Callable[[], T | None], seconds: float = 60, pause: float = 0.25) -> T:
    """What `check` returns once it is not None, asked every `pause` seconds; the test fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while (found := check()) is None:
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(pause)
    return found

"""A partner's webhook endpoint on loopback: records every POST and answers with scripted statuses."""

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.support.http_server import serving

README = Path(__file__).resolve().parents[2] / "README.md"


@cache
def readme_verify() -> Callable[..., Any]:
    """The README's `verify(secret, headers, body)`, from its python code block."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    [snippet] = [block for block in blocks if "def verify(" in block]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)
    verify: Callable[..., Any] = namespace["verify"]
    return verify


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    def signed_with(self, secret: str) -> bool:
        """Checked with the verification snippet the README gives partners, run as written."""
        return bool(readme_verify()(secret, self.headers, self.body))


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)
    """Answers for the next requests, in order; 200 once they run out."""
    received: list[Received] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def answer(self) -> int:
        return self.statuses.pop(0) if self.statuses else 200

    def record(self, request: Received) -> None:
        with self._arrived:
            self.received.append(request)
            self._arrived.notify_all()

    def wait_for(self, count: int, seconds: float = 15) -> list[Received]:
        deadline = time.monotonic() + seconds
        with self._arrived:
            while len(self.received) < count and time.monotonic() < deadline:
                self._arrived.wait(deadline - time.monotonic())
        return list(self.received)

    def of_type(self, event_type: str) -> list[Received]:
        return [r for r in self.received if r.payload["type"] == event_type]


@contextmanager
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = state.answer()
            state.record(Received(headers=dict(self.headers.items()), body=body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serving(Handler) as server:
        state.url = f"http://127.0.0.1:{server.server_address[1]}/hotline/events"
        yield state

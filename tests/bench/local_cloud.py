"""The local cloud's memory under load: `make run` started as a user starts it, 2,000 tickets submitted over HTTP
and handled by staff (dispatch, accept, reply), the process's resident memory read before and after.

Half the tickets match a routing rule (the clock dispatches them), half wait for a dispatcher. `TIME_SCALE`
makes their deadlines run, so reminders, breaches and escalations (Step Functions executions, SNS
notifications) pile up as well. Run alone with `python -m tests.bench.local_cloud [tickets]`.
"""

import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import local
from typing import Any

import requests

from tests.e2e.conftest import launched
from tests.support.forms import BUS, NOISE

TICKETS = 2_000
CLIENTS = 4
TIME_SCALE = 600  # ten minutes of deadlines per second: the dispatch ladder of a waiting ticket runs while we work
UNIT = "district-urban-management"
REPLY = {"result": "已处理", "cause_code": "construction.permit"}


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """The process's resident memory (VmRSS) or its peak (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


class Client:
    def __init__(self, info: dict[str, Any]) -> None:
        self.url = info["api_url"]
        self._tokens = {role: login["token"] for role, login in info["staff"].items()}
        self._sessions = local()
        self.statuses: Counter[str] = Counter()

    @property
    def http(self) -> requests.Session:
        if not hasattr(self._sessions, "http"):
            self._sessions.http = requests.Session()
        session: requests.Session = self._sessions.http
        return session

    def submit(self, form: dict[str, Any]) -> str:
        reply = self.http.post(f"{self.url}/v1/tickets", json=form, timeout=60)
        self.statuses[f"submit {reply.status_code}"] += 1
        return str(reply.json()["number"]) if reply.status_code == 201 else ""

    def act(self, number: str, action: str, role: str, body: dict[str, Any]) -> int:
        reply = self.http.post(
            f"{self.url}/v1/staff/tickets/{number}/{action}",
            json=body,
            headers={"Authorization": f"Bearer {self._tokens[role]}"},
            timeout=60,
        )
        self.statuses[f"{action} {reply.status_code}"] += 1
        return reply.status_code


def _in_parallel(work: Callable[[int], Any], count: int) -> list[Any]:
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(work, range(count)))


def run(tickets: int = TICKETS) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as state, launched(Path(state), time_scale=TIME_SCALE) as cloud:
        pid = cloud.process.pid
        client = Client(cloud.info)
        before = rss_mb(pid)
        started = time.perf_counter()
        numbers = _in_parallel(lambda i: client.submit(NOISE if i % 2 else BUS), tickets)
        submitted = time.perf_counter() - started
        after_submissions = rss_mb(pid)

        def handle(i: int) -> None:
            number = numbers[i]
            if not number:
                return
            if i % 2 == 0:  # waiting in the dispatch queue
                client.act(number, "dispatch", "dispatcher", {"unit_id": UNIT})
            if i % 4 < 2 and client.act(number, "accept", "unit", {}) == 200 and i % 8 < 2:
                client.act(number, "reply", "unit", REPLY)

        _in_parallel(handle, tickets)
        elapsed = time.perf_counter() - started
        figures = {
            "local_rss_mb_at_start": round(before),
            "local_rss_mb_after_2000_submissions": round(after_submissions),
            "local_rss_mb_after_2000_tickets": round(rss_mb(pid)),
            "local_rss_peak_mb_2000_tickets": round(rss_mb(pid, "VmHWM")),
            "local_submissions_per_second": round(tickets / submitted, 1),
            "local_seconds_for_2000_tickets": round(elapsed),
            "local_sigterm_exit_seconds": round(cloud.stop(), 1),
        }
        if tickets != TICKETS:
            figures = {name.replace(str(TICKETS), str(tickets)): value for name, value in figures.items()}
    print(
        f"local cloud, {tickets} tickets over HTTP ({CLIENTS} clients, TIME_SCALE={TIME_SCALE}) with staff actions "
        f"{dict(sorted(client.statuses.items()))}:"
    )
    for name, value in figures.items():
        print(f"  {name:<42} {value:g}")
    return figures


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else TICKETS)
